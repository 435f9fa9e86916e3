/** Implementation details of the MongoDB store: BSON conversion, criteria translation, error translation. */
@NullMarked
package dev.rapport.crm.mongo.internal;

import org.jspecify.annotations.NullMarked;
