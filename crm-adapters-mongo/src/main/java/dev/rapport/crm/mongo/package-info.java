/**
 * The storage kernel on MongoDB: {@link dev.rapport.crm.mongo.MongoStore}, built on the host's {@code MongoClient}.
 */
@NullMarked
package dev.rapport.crm.mongo;

import org.jspecify.annotations.NullMarked;
