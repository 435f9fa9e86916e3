/**
 * The storage kernel ({@link dev.rapport.crm.store.Store}) on JDBC: PostgreSQL, MariaDB/MySQL and H2 (the embedded
 * default). Start with {@link dev.rapport.crm.jdbc.JdbcStore}.
 */
@NullMarked
package dev.rapport.crm.jdbc;

import org.jspecify.annotations.NullMarked;
