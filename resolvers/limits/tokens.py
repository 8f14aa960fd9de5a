"""Tokens: graphql-core's parser stops after ``max_tokens`` (comments count too), so an
oversized document is refused before a tree is built (graphql-armor's default is 1,000;
GraphiQL's schema query needs under 200). The body size limit (server/limits.py) bounds the
bytes first."""

from __future__ import annotations

from graphql import GraphQLError

from resolvers.limits import errors


def is_token_error(error: GraphQLError, limit: int) -> bool:
    # The parser's own wording (graphql/language/parser.py); a test pins it.
    return f"Document contains more than {limit} tokens" in error.message


def tag_parse_error(error: GraphQLError, limit: int) -> GraphQLError:
    if is_token_error(error, limit):
        error.extensions = {**(error.extensions or {}), "limit": limit}
        return errors.tag(
            error, errors.TOKEN_LIMIT, f"查询文本超过 {limit} 个词法单元（token），已拒绝解析"
        )
    return errors.tag(error, errors.PARSE_FAILED, f"查询语法错误：{error.message}")
