package dev.rapport.crm.notify;

import dev.rapport.crm.error.CrmException;
import java.net.URI;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A webhook endpoint did not accept an event: a non-2xx status, a timeout or an I/O error. The message names the
 * endpoint without its user info or query string (which may carry credentials), and never the signing secret.
 */
public final class WebhookDeliveryException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String endpoint;

  WebhookDeliveryException(URI endpoint, int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.endpoint = safe(endpoint);
  }

  WebhookDeliveryException(URI endpoint, int status, String message) {
    super(message);
    this.status = status;
    this.endpoint = safe(endpoint);
  }

  /** The HTTP status the endpoint answered, if it answered at all. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** The endpoint as shown in messages: scheme, host, port and path only. */
  public String endpoint() {
    return endpoint;
  }

  @Override
  public String code() {
    return "WEBHOOK_DELIVERY";
  }

  /** Client errors (4xx other than 408 and 429) will not go away by themselves; anything else may. */
  @Override
  public boolean isTransient() {
    return status < 400 || status >= 500 || status == 408 || status == 429;
  }

  /** Drops user info, query and fragment, which may carry credentials. */
  static String safe(URI uri) {
    Objects.requireNonNull(uri, "uri");
    StringBuilder b = new StringBuilder();
    b.append(uri.getScheme()).append("://").append(uri.getHost());
    if (uri.getPort() >= 0) {
      b.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      b.append(uri.getRawPath());
    }
    return b.toString();
  }
}
