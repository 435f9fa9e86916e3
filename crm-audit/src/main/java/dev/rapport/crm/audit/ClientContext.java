package dev.rapport.crm.audit;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.TextRules;
import org.jspecify.annotations.Nullable;

/**
 * Where a request came from, as the host knows it: kept on every audit record written on this thread while the
 * scope is open (under {@code client}).
 *
 * <pre>{@code
 * try (ClientContext.Scope scope = ClientContext.of(request.getRemoteAddr(), userAgent, "web").open()) {
 *   crm.customers().changeCreditLimit(actor, id, limit, reason);
 * }
 * }</pre>
 *
 * @param ip the client's address (IPv4 or IPv6 text), null when unknown
 * @param userAgent the client's user agent, null when unknown (cut at 1,000 characters)
 * @param channel how the request came: {@code web}, {@code mobile}, {@code api}, {@code batch}, ...; null when unknown
 */
public record ClientContext(@Nullable String ip, @Nullable String userAgent, @Nullable String channel) {
  private static final ThreadLocal<@Nullable ClientContext> CURRENT = new ThreadLocal<>();

  public ClientContext {
    ip = checked("client.ip", ip, 64);
    userAgent = checked("client.userAgent", userAgent, 1000);
    channel = checked("client.channel", channel, 64);
  }

  public static ClientContext of(@Nullable String ip, @Nullable String userAgent, @Nullable String channel) {
    return new ClientContext(ip, userAgent, channel);
  }

  private static @Nullable String checked(String path, @Nullable String value, int max) {
    if (value == null) {
      return null;
    }
    // cut without splitting a surrogate pair (half of one would be refused as text.surrogate)
    int end = value.length() <= max ? value.length()
        : Character.isHighSurrogate(value.charAt(max - 1)) && Character.isLowSurrogate(value.charAt(max)) ? max - 1
        : max;
    String v = value.substring(0, end);
    TextRules.check(path, v).ifPresent(violation -> {
      throw new ValidationException(java.util.List.of(violation));
    });
    return v;
  }

  /** Makes this the thread's context until the scope is closed (then the previous one is back). */
  public Scope open() {
    ClientContext previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** The thread's open context, if any. */
  static @Nullable ClientContext current() {
    return CURRENT.get();
  }

  /** An open {@link ClientContext}; closing it restores the one before. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
