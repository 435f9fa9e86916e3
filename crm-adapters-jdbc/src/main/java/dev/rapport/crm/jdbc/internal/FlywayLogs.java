package dev.rapport.crm.jdbc.internal;

import java.util.function.Supplier;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.flywaydb.core.api.logging.LogFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log lines, under Rapport's logger {@code dev.rapport.crm.jdbc.flyway.<Flyway class>}, one level lower
 * than Flyway's for the routine ones: INFO and NOTICE ("Migrating schema ...", "Successfully applied ...") become
 * DEBUG and DEBUG becomes TRACE, so a store's start prints nothing above DEBUG; WARN and ERROR stay as they are,
 * except Flyway's warning that a server is newer than the versions it has verified (DEBUG too).
 *
 * <p>Flyway's log creator is global to its classes, so {@link #during} installs this one only for the store's own
 * Flyway run and puts Flyway's choice back afterwards. (Flyway's {@code loggers} setting, the other way in, would
 * have Flyway instantiate this class by reflection, which needs the package exported to Flyway on the module path.)
 */
public final class FlywayLogs implements LogCreator {
  /** Rapport's loggers for Flyway's lines start with this. */
  public static final String LOGGER_PREFIX = "dev.rapport.crm.jdbc.flyway.";

  private FlywayLogs() {}

  /**
   * Runs {@code work} (a call of a loaded {@code Flyway}) with Flyway's lines going to Rapport's loggers; afterwards
   * Flyway again logs as its configuration says. Flyway resets its log creator whenever a {@code Flyway} is created,
   * so this is called after {@code load()}.
   */
  public static <T> T during(Supplier<T> work) {
    LogFactory.setLogCreator(new FlywayLogs());
    try {
      return work.get();
    } finally {
      LogFactory.setLogCreator(null);
    }
  }

  @Override
  public Log createLogger(Class<?> clazz) {
    Logger logger = LoggerFactory.getLogger(LOGGER_PREFIX + clazz.getSimpleName());
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return logger.isTraceEnabled();
      }

      @Override
      public void debug(String message) {
        logger.trace(message);
      }

      @Override
      public void info(String message) {
        logger.debug(message);
      }

      @Override
      public void notice(String message) {
        logger.debug(message);
      }

      @Override
      public void warn(String message) {
        // "Using MySQL 9.7 which is newer than the version Flyway has been verified with": Flyway's list lags the
        // servers; Rapport's migrations are plain DDL, tested on the versions of the adapter's compatibility matrix
        if (message.contains("has been verified with")) {
          logger.debug(message);
        } else {
          logger.warn(message);
        }
      }

      @Override
      public void error(String message) {
        logger.error(message);
      }

      @Override
      public void error(String message, Exception e) {
        logger.error(message, e);
      }
    };
  }
}
