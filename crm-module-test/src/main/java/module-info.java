/**
 * A consumer of Rapport, as an application module would be: it requires the shipped modules by name and nothing
 * else. Its tests run on the module path, patched into this module, so what they may reach is what a consumer may.
 */
module dev.rapport.crm.moduletest {
  requires dev.rapport.crm.core;
  requires dev.rapport.crm.jdbc;
  requires dev.rapport.crm.mongo;
  requires com.h2database;
  requires static org.jspecify;

  exports dev.rapport.crm.moduletest;
}
