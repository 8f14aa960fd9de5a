"""The read compiler: a GraphQL selection, as a neutral tree, compiled into ONE SQL statement
that builds the response JSON in the database (the way Hasura and PostGraphile avoid N+1 and
per-field resolver cost). Every table it touches is aliased and trimmed by the RowScope."""
