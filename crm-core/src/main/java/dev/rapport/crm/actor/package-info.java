/**
 * Who acts: the {@link dev.rapport.crm.actor.Actor} a host has authenticated, and the
 * {@link dev.rapport.crm.actor.TenantId} every key starts with.
 */
@NullMarked
package dev.rapport.crm.actor;

import org.jspecify.annotations.NullMarked;
