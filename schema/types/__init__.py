"""The record types of the read API. Their fields are never resolved one by one: the read
compiler (resolvers/compiled) turns a whole selection of them into one SQL statement."""
