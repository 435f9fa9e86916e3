/**
 * Notifications after commit: the {@link dev.rapport.crm.notify.Event} a command stores in the {@code outbox}
 * stream together with its aggregate, the {@link dev.rapport.crm.notify.Notifier} SPI that hands events to the
 * host's channels, and the {@link dev.rapport.crm.notify.OutboxRelay} that delivers them at least once, in order,
 * with retries, backoff and dead letters. {@link dev.rapport.crm.notify.WebhookNotifier} and
 * {@link dev.rapport.crm.notify.LoggingNotifier} are built in.
 */
@NullMarked
package dev.rapport.crm.notify;

import org.jspecify.annotations.NullMarked;
