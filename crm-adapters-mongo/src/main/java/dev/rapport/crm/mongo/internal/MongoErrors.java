package dev.rapport.crm.mongo.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import dev.rapport.crm.error.StorageException;

/** Classifies driver exceptions by type, error code and error label; never by message text. */
public final class MongoErrors {
  private MongoErrors() {}

  /** Duplicate key (11000, 11001, 12582) on a single write, a command (findAndModify) or every error of a bulk. */
  public static boolean isDuplicateKey(Throwable t) {
    if (t instanceof MongoWriteException w) {
      return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }
    if (t instanceof MongoBulkWriteException b) {
      if (b.getWriteErrors().isEmpty() || b.getWriteConcernError() != null) {
        return false;
      }
      for (BulkWriteError e : b.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
          return false;
        }
      }
      return true;
    }
    if (t instanceof MongoCommandException c) {
      return ErrorCategory.fromErrorCode(c.getErrorCode()) == ErrorCategory.DUPLICATE_KEY;
    }
    return false;
  }

  /** Failures a retry may fix: lost connections, elections, timeouts, transient transaction errors. */
  public static boolean isTransient(MongoException e) {
    return e instanceof MongoSocketException
        || e instanceof MongoTimeoutException
        || e instanceof MongoNotPrimaryException
        || e instanceof MongoNodeIsRecoveringException
        || e instanceof MongoExecutionTimeoutException
        || e instanceof MongoWriteConcernException
        || e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
        || e.hasErrorLabel("RetryableWriteError")
        || e.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL)
        || e.getCode() == 112 /* WriteConflict */;
  }

  public static StorageException translate(String what, MongoException e) {
    return new StorageException("MongoDB failed to " + what + " (code " + e.getCode() + ")", isTransient(e), e);
  }
}
