package dev.rapport.crm.notify;

/**
 * What one {@link OutboxRelay#runOnce} did.
 *
 * @param delivered events the notifier accepted
 * @param failed failed attempts left for a later retry (0 or 1: a failure ends the run to keep order)
 * @param deadLettered events given up on after the last allowed attempt, or unreadable
 * @param leaseHeldElsewhere another node holds the relay's lease, so this run did nothing
 */
public record RelayResult(int delivered, int failed, int deadLettered, boolean leaseHeldElsewhere) {

  static final RelayResult HELD_ELSEWHERE = new RelayResult(0, 0, 0, true);
}
