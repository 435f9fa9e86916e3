/**
 * The storage kernel on MongoDB: {@link dev.rapport.crm.mongo.MongoStore}, on the host's {@code MongoClient}.
 *
 * <p>Only {@code dev.rapport.crm.mongo} is exported; the BSON codec, the filter translator and the error mapping in
 * {@code internal} are not.
 */
module dev.rapport.crm.mongo {
  // MongoStore implements core's Store and takes the host's MongoClient
  requires transitive dev.rapport.crm.core;
  requires transitive org.mongodb.driver.sync.client;
  requires static transitive org.jspecify;

  requires org.mongodb.driver.core;
  requires org.mongodb.bson;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.rapport.crm.mongo;
}
