-- Stream payloads as inline text instead of a LOB: H2 keeps a LOB over 256 bytes out of its row and converts every
-- bound string to one (H2Dialect.jsonType). A payload holds at most 1,048,576 characters (checked before writing).
ALTER TABLE ${prefix}stream_record ALTER COLUMN payload SET DATA TYPE ${json};
