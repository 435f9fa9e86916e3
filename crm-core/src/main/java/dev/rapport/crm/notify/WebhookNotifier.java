package dev.rapport.crm.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * POSTs each event as JSON ({@link Event#toJson()}) to an HTTPS endpoint, signed so the receiver can check that it
 * came from this host and is fresh. Built on the JDK's {@link HttpClient}.
 *
 * <pre>{@code
 * Notifier hook = WebhookNotifier.to(URI.create("https://erp.example.com/crm-events"), secretBytes);
 * }</pre>
 *
 * <h2>Request</h2>
 * Headers: {@code Content-Type: application/json}, {@code Rapport-Event-Id} (stable across retries: de-duplicate
 * on it), {@code Rapport-Event-Type}, {@code Rapport-Timestamp} (epoch seconds) and {@code Rapport-Signature:
 * v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, computed over the exact bytes sent. Receivers check it with
 * {@link #verify}, which also rejects timestamps outside a tolerance (replays).
 *
 * <h2>Failures, retries and dead letters</h2>
 * A 2xx answer means delivered; any other status, an I/O error or a timeout throws
 * {@link WebhookDeliveryException}. This notifier makes exactly one attempt per call: retries belong to the
 * {@link OutboxRelay}, which retries the event with exponential backoff ({@link RetryPolicy}), holds back later events
 * meanwhile to keep their order, and dead-letters the event after {@link RetryPolicy#maxAttempts()} failed attempts
 * ({@link OutboxRelay#redeliver} retries it on demand). Receivers must therefore accept the same event id more than
 * once.
 *
 * <p>Threads: pass the host's {@link HttpClient} with {@link Builder#httpClient}; without one, a default client is
 * created on the first delivery (the JDK client runs its own selector thread).
 */
public final class WebhookNotifier implements Notifier {
  /** The shortest accepted signing secret, in bytes. */
  public static final int MIN_SECRET_LENGTH = 16;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HMAC = "HmacSHA256";
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
  private static final Set<String> RESERVED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

  private final URI endpoint;
  private final SecretKeySpec key;
  private final String name;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final Clock clock;
  private volatile @Nullable HttpClient httpClient;

  private WebhookNotifier(Builder b) {
    this.endpoint = b.endpoint;
    this.key = new SecretKeySpec(b.secret, HMAC);
    this.name = b.name;
    this.timeout = b.timeout;
    this.headers = Map.copyOf(b.headers);
    this.clock = b.clock;
    this.httpClient = b.httpClient;
  }

  /** A webhook notifier named {@code "webhook"} with a 10 second timeout. */
  public static WebhookNotifier to(URI endpoint, byte[] secret) {
    return builder(endpoint, secret).build();
  }

  public static Builder builder(URI endpoint, byte[] secret) {
    return new Builder(endpoint, secret);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(Event event) throws InterruptedException {
    Objects.requireNonNull(event, "event");
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(event.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise event " + event.id(), e);
    }
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    request.header("Content-Type", "application/json")
        .header("Rapport-Event-Id", event.id())
        .header("Rapport-Event-Type", event.type())
        .header("Rapport-Timestamp", Long.toString(timestamp))
        .header("Rapport-Signature", "v1=" + sign(key, timestamp, body));
    HttpResponse<Void> response;
    try {
      response = client().send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      throw new WebhookDeliveryException(endpoint, -1,
          "webhook " + WebhookDeliveryException.safe(endpoint) + " timed out after " + timeout + " for event "
              + event.id(), e);
    } catch (IOException e) {
      throw new WebhookDeliveryException(endpoint, -1,
          "webhook " + WebhookDeliveryException.safe(endpoint) + " failed for event " + event.id() + ": "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new WebhookDeliveryException(endpoint, status,
          "webhook " + WebhookDeliveryException.safe(endpoint) + " answered " + status + " for event " + event.id());
    }
  }

  /**
   * Checks a request this notifier sent: the signature over {@code timestamp + "." + body} with {@code secret}, and
   * that the timestamp is within {@code tolerance} of {@code clock}'s time. Returns false for anything missing or
   * malformed. Accepts a header with several comma-separated {@code v1=} signatures (secret rotation).
   *
   * <pre>{@code
   * boolean ok = WebhookNotifier.verify(secret, req.header("Rapport-Timestamp"),
   *     req.header("Rapport-Signature"), rawBody, Duration.ofMinutes(5), Clock.systemUTC());
   * }</pre>
   */
  public static boolean verify(byte[] secret, @Nullable String timestampHeader, @Nullable String signatureHeader,
      byte[] body, Duration tolerance, Clock clock) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(tolerance, "tolerance");
    Objects.requireNonNull(clock, "clock");
    if (timestampHeader == null || signatureHeader == null || secret.length == 0) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    long age = Math.abs(clock.instant().getEpochSecond() - timestamp);
    if (age > tolerance.getSeconds()) {
      return false;
    }
    byte[] expected = sign(new SecretKeySpec(secret, HMAC), timestamp, body).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String part : signatureHeader.split(",")) {
      String p = part.trim();
      if (p.startsWith("v1=")) {
        byte[] given = p.substring(3).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        // No early exit: every candidate is compared, in constant time.
        match |= MessageDigest.isEqual(expected, given);
      }
    }
    return match;
  }

  /** The hex HMAC-SHA256 of {@code timestamp + "." + body}: the value after {@code v1=} in the signature header. */
  public static String signature(byte[] secret, long timestamp, byte[] body) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(body, "body");
    return sign(new SecretKeySpec(secret, HMAC), timestamp, body);
  }

  private static String sign(SecretKeySpec key, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      byte[] digest = mac.doFinal(body);
      StringBuilder hex = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  }

  private HttpClient client() {
    HttpClient c = httpClient;
    if (c == null) {
      synchronized (this) {
        c = httpClient;
        if (c == null) {
          c = HttpClient.newBuilder().connectTimeout(timeout).build();
          httpClient = c;
        }
      }
    }
    return c;
  }

  /** Builds a {@link WebhookNotifier}; each setter rejects a bad value at once. */
  public static final class Builder {
    private final URI endpoint;
    private final byte[] secret;
    private String name = "webhook";
    private Duration timeout = Duration.ofSeconds(10);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable HttpClient httpClient;

    private Builder(URI endpoint, byte[] secret) {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(secret, "secret");
      String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || endpoint.getHost() == null) {
        throw ValidationException.of("endpoint", "webhook.endpoint.format",
            "webhook endpoint must be an absolute http(s) URI with a host");
      }
      if (secret.length < MIN_SECRET_LENGTH) {
        throw ValidationException.of("secret", "webhook.secret.length",
            "webhook secret must be at least " + MIN_SECRET_LENGTH + " bytes");
      }
      this.endpoint = endpoint;
      this.secret = Arrays.copyOf(secret, secret.length);
    }

    /** The notifier's name (default {@code "webhook"}); give each webhook of a host its own. */
    public Builder name(String value) {
      this.name = Notifier.checkName(value);
      return this;
    }

    /** The whole-request timeout, also used as connect timeout of a default client (default 10s). */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      if (value.isZero() || value.isNegative()) {
        throw ValidationException.of("timeout", "webhook.timeout.positive", "timeout must be positive");
      }
      this.timeout = value;
      return this;
    }

    /** The host's client; without one, a default client is created on first use. */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /** An extra header sent with every request (e.g. an API key the receiver's gateway wants). */
    public Builder header(String headerName, String value) {
      Objects.requireNonNull(headerName, "headerName");
      Objects.requireNonNull(value, "value");
      String lower = headerName.toLowerCase(Locale.ROOT);
      if (!HEADER_NAME.matcher(headerName).matches() || RESERVED_HEADERS.contains(lower)
          || lower.startsWith("rapport-")) {
        throw ValidationException.of("headers." + headerName.replaceAll("\\p{Cntrl}", "?"), "webhook.header.name",
            "header name is malformed or reserved (Content-Type, Rapport-*, and connection headers are set by the "
                + "notifier)");
      }
      if (value.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
        throw ValidationException.of("headers." + headerName, "webhook.header.value",
            "header value must not contain line breaks");
      }
      headers.put(headerName, value);
      return this;
    }

    /** The clock for the signed timestamp (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public WebhookNotifier build() {
      return new WebhookNotifier(this);
    }
  }
}
