/**
 * Following what changed: {@link dev.rapport.crm.feed.FeedPosition}, a persistable cursor into a tenant's change
 * feed, and {@link dev.rapport.crm.feed.ChangeBatch}, what one read of the feed returns. Read it per service
 * ({@code crm.customers().changes(actor, position, limit)}, through the actor's access) or, as trusted system code,
 * per collection ({@code crm.changes(tenant, collection, position, limit)}).
 */
@NullMarked
package dev.rapport.crm.feed;

import org.jspecify.annotations.NullMarked;
