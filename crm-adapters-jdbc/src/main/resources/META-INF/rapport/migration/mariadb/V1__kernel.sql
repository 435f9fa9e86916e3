-- Rapport storage kernel, fixed tables. Collection tables are created by JdbcStore.register (one per collection).
-- utf8mb4_bin on every table: these columns are only compared for equality; times are UTC.
-- The json placeholder is JSON on MariaDB (text, checked) and LONGTEXT on MySQL, whose JSON type turns decimals into doubles.
CREATE TABLE ${prefix}change (
  tenant       VARCHAR(64) NOT NULL,
  pos          BIGINT NOT NULL,
  collection   VARCHAR(40) NOT NULL,
  doc_id       VARCHAR(64) NOT NULL,
  version      BIGINT NOT NULL,
  kind         VARCHAR(6) NOT NULL,
  committed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (tenant, pos)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE ${prefix}stream_record (
  tenant      VARCHAR(64) NOT NULL,
  stream      VARCHAR(200) NOT NULL,
  pos         BIGINT NOT NULL,
  id          VARCHAR(255) NOT NULL,
  type        VARCHAR(255) NOT NULL,
  payload     ${json} NOT NULL,
  recorded_at DATETIME(3) NOT NULL,
  PRIMARY KEY (tenant, stream, pos),
  CONSTRAINT ${prefix}stream_record_id UNIQUE (tenant, stream, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Position counters: one row per tenant for the change feed ('c') and one per tenant and stream ('s:<stream>').
-- The row is locked by the committing transaction until it ends, which orders commits per tenant (see README).
-- `last_value` is quoted: MySQL 8 reserves it (the window function).
CREATE TABLE ${prefix}sequence (
  tenant       VARCHAR(64) NOT NULL,
  name         VARCHAR(210) NOT NULL,
  `last_value` BIGINT NOT NULL,
  PRIMARY KEY (tenant, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE ${prefix}lease (
  tenant     VARCHAR(64) NOT NULL,
  name       VARCHAR(255) NOT NULL,
  owner      VARCHAR(255),
  token      BIGINT NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (tenant, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE ${prefix}collection (
  name       VARCHAR(40) NOT NULL PRIMARY KEY,
  spec       TEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
