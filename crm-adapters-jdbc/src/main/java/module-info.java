/**
 * The storage kernel on PostgreSQL, MariaDB/MySQL and H2: {@link dev.rapport.crm.jdbc.JdbcStore}.
 *
 * <p>Only {@code dev.rapport.crm.jdbc} is exported; the dialects and SQL helpers in {@code internal} are not. The
 * Flyway migrations live under {@code META-INF/rapport/migration/<dialect>}, a folder that is not a package, so they
 * are found on the module path as on the class path.
 */
module dev.rapport.crm.jdbc {
  // JdbcStore implements core's Store and takes the host's DataSource
  requires transitive dev.rapport.crm.core;
  requires transitive java.sql;
  requires static transitive org.jspecify;

  requires com.fasterxml.jackson.databind;
  // JdbcStore.h2File builds H2's own DataSource (a javax.naming.Referenceable)
  requires com.h2database;
  requires java.naming;
  requires org.slf4j;
  // Flyway 10+ jars declare no Automatic-Module-Name: this name is derived from the file name flyway-core-*.jar
  requires flyway.core;

  exports dev.rapport.crm.jdbc;
}
