package dev.rapport.crm.jdbc.internal;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log lines, under Rapport's logger {@code dev.rapport.crm.jdbc.flyway.<Flyway class>}, one level lower
 * than Flyway's for the routine ones: INFO and NOTICE ("Migrating schema ...", "Successfully applied ...") become
 * DEBUG and DEBUG becomes TRACE, so a store's start prints nothing above DEBUG; WARN and ERROR stay as they are.
 * Flyway instantiates this class by name (its {@code loggers} setting), so it is public with a public constructor,
 * and its package is exported to Flyway alone.
 */
public final class FlywayLogs implements LogCreator {
  /** Rapport's loggers for Flyway's lines start with this. */
  public static final String LOGGER_PREFIX = "dev.rapport.crm.jdbc.flyway.";

  public FlywayLogs() {}

  /**
   * This class's name for Flyway's {@code loggers} setting, or null when Flyway's class loader cannot see it (Flyway
   * on a parent loader, Rapport on a child): Flyway would fail to instantiate it, so Flyway then logs its own way.
   */
  public static @Nullable String loggerName(ClassLoader flywayLoader) {
    try {
      return Class.forName(FlywayLogs.class.getName(), false, flywayLoader) == FlywayLogs.class
          ? FlywayLogs.class.getName() : null;
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
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
        logger.warn(message);
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
