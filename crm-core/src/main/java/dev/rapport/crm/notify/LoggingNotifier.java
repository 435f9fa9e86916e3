package dev.rapport.crm.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every event at INFO (type, id, aggregate, version), for development and as an audit of what was published.
 * Never fails, so its relay never retries. Named {@code "logging"}.
 */
public final class LoggingNotifier implements Notifier {
  private static final Logger log = LoggerFactory.getLogger(LoggingNotifier.class);

  private LoggingNotifier() {}

  public static LoggingNotifier create() {
    return new LoggingNotifier();
  }

  @Override
  public String name() {
    return "logging";
  }

  @Override
  public void deliver(Event event) {
    log.info("event {} id={} aggregate={}/{} v{} tenant={} correlationId={}", event.type(), event.id(),
        event.aggregateType(), event.aggregateId(), event.aggregateVersion(), event.tenant(), event.correlationId());
  }
}
