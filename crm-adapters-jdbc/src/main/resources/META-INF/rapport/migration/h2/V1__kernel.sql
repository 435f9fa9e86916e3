-- Rapport storage kernel, fixed tables. Collection tables are created by JdbcStore.register (one per collection).
-- Strings: H2 orders them by UTF-16 unit; ordered columns of collection tables use an encoding (H2Dialect).
CREATE TABLE ${prefix}change (
  tenant       VARCHAR(64) NOT NULL,
  pos          BIGINT NOT NULL,
  collection   VARCHAR(40) NOT NULL,
  doc_id       VARCHAR(64) NOT NULL,
  version      BIGINT NOT NULL,
  kind         VARCHAR(6) NOT NULL,
  committed_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant, pos)
);

CREATE TABLE ${prefix}stream_record (
  tenant      VARCHAR(64) NOT NULL,
  stream      VARCHAR(200) NOT NULL,
  pos         BIGINT NOT NULL,
  id          VARCHAR(255) NOT NULL,
  type        VARCHAR(255) NOT NULL,
  payload     CHARACTER LARGE OBJECT NOT NULL,
  recorded_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant, stream, pos),
  CONSTRAINT ${prefix}stream_record_id UNIQUE (tenant, stream, id)
);

-- Position counters: one row per tenant for the change feed ('c') and one per tenant and stream ('s:<stream>').
-- The row is locked by the committing transaction until it ends, which orders commits per tenant (see README).
CREATE TABLE ${prefix}sequence (
  tenant     VARCHAR(64) NOT NULL,
  name       VARCHAR(210) NOT NULL,
  last_value BIGINT NOT NULL,
  PRIMARY KEY (tenant, name)
);

CREATE TABLE ${prefix}lease (
  tenant     VARCHAR(64) NOT NULL,
  name       VARCHAR(255) NOT NULL,
  owner      VARCHAR(255),
  token      BIGINT NOT NULL,
  expires_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant, name)
);

CREATE TABLE ${prefix}collection (
  name       VARCHAR(40) NOT NULL PRIMARY KEY,
  spec       CHARACTER LARGE OBJECT NOT NULL,
  updated_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);
