package dev.rapport.crm.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final byte[] SECRET = "whsec-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T08:00:00Z"));
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  /** Statuses to answer with, in order; 200 once exhausted. */
  private final Deque<Integer> statuses = new ConcurrentLinkedDeque<>();
  private final CountDownLatch releaseHungRequests = new CountDownLatch(1);
  private volatile boolean hang;
  private HttpServer server;
  private ExecutorService serverThreads;
  private URI endpoint;

  record Received(Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  @BeforeEach
  void startReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/hooks/crm", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        received.add(new Received(exchange.getRequestHeaders(), in.readAllBytes()));
      }
      if (hang) {
        try {
          releaseHungRequests.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Integer status = statuses.poll();
      exchange.sendResponseHeaders(status == null ? 200 : status, -1);
      exchange.close();
    });
    server.start();
    endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/crm?token=query-credential");
  }

  @AfterEach
  void stopReceiver() {
    releaseHungRequests.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  void receiverVerifiesTheSignatureAndSeesTheStableEventId() throws Exception {
    WebhookNotifier hook = WebhookNotifier.builder(endpoint, SECRET).clock(clock).header("X-Api-Key", "k-1").build();
    Event event = Events.customerCreated(ACME, clock.instant());

    hook.deliver(event);

    Received r = received.poll(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Rapport-Event-Id")).isEqualTo(event.id());
    assertThat(r.header("Rapport-Event-Type")).isEqualTo("customer.created");
    assertThat(r.header("Rapport-Timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    assertThat(r.header("Rapport-Signature")).startsWith("v1=");
    assertThat(r.header("X-Api-Key")).isEqualTo("k-1");
    assertThat(Event.fromJson((ObjectNode) new ObjectMapper().readTree(r.body()))).isEqualTo(event);
    assertThat(verify(SECRET, r, r.body())).isTrue();
  }

  @Test
  void aTamperedBodyAWrongSecretOrAStaleTimestampFailVerification() throws Exception {
    WebhookNotifier.builder(endpoint, SECRET).clock(clock).build()
        .deliver(Events.customerCreated(ACME, clock.instant()));
    Received r = received.poll(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();

    byte[] tampered = new String(r.body(), StandardCharsets.UTF_8).replace("Zhang Wei", "Zhang Wel")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(tampered).isNotEqualTo(r.body());
    assertThat(verify(SECRET, r, tampered)).isFalse();
    assertThat(verify("another-secret-of-enough-length".getBytes(StandardCharsets.UTF_8), r, r.body())).isFalse();
    assertThat(WebhookNotifier.verify(SECRET, null, r.header("Rapport-Signature"), r.body(), TOLERANCE, clock))
        .isFalse();
    assertThat(WebhookNotifier.verify(SECRET, "soon", r.header("Rapport-Signature"), r.body(), TOLERANCE, clock))
        .isFalse();

    clock.advance(TOLERANCE.plusSeconds(1));
    assertThat(verify(SECRET, r, r.body())).isFalse();
  }

  @Test
  void verifyAcceptsAnyOfSeveralSignaturesForSecretRotation() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    long ts = clock.instant().getEpochSecond();
    String header = "v1=" + WebhookNotifier.signature("old-secret-0123456789".getBytes(StandardCharsets.UTF_8), ts,
        body) + ", v1=" + WebhookNotifier.signature(SECRET, ts, body);
    assertThat(WebhookNotifier.verify(SECRET, Long.toString(ts), header, body, TOLERANCE, clock)).isTrue();
  }

  @Test
  void aNon2xxAnswerFailsTheDeliveryWithoutLeakingSecrets() {
    statuses.add(500);
    WebhookNotifier hook = WebhookNotifier.to(endpoint, SECRET);

    assertThatThrownBy(() -> hook.deliver(Events.customerCreated(ACME, clock.instant())))
        .isInstanceOfSatisfying(WebhookDeliveryException.class, e -> {
          assertThat(e.status()).hasValue(500);
          assertThat(e.isTransient()).isTrue();
          assertThat(e.getMessage()).contains("500", "127.0.0.1", "/hooks/crm")
              .doesNotContain("query-credential", new String(SECRET, StandardCharsets.UTF_8));
        });
  }

  @Test
  void aTimeoutFailsTheDelivery() {
    hang = true;
    WebhookNotifier hook = WebhookNotifier.builder(endpoint, SECRET).timeout(Duration.ofMillis(200)).build();

    assertThatThrownBy(() -> hook.deliver(Events.customerCreated(ACME, clock.instant())))
        .isInstanceOfSatisfying(WebhookDeliveryException.class, e -> {
          assertThat(e.status()).isEmpty();
          assertThat(e.getMessage()).contains("timed out");
        });
  }

  @Test
  void relayRetriesAFailedWebhookWithTheSameEventId() throws Exception {
    InMemoryStore store = InMemoryStore.create(clock);
    Outbox.collections().forEach(store::register);
    Event event = Events.customerCreated(ACME, clock.instant());
    store.commit(ACME, WriteBatch.builder().append(event.toAppend()).build());
    statuses.add(503);
    OutboxRelay relay = OutboxRelay.builder().store(store).clock(clock).owner("node-a")
        .notifier(WebhookNotifier.builder(endpoint, SECRET).clock(clock).build()).build();

    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(0, 1, 0, false));
    clock.advance(RetryPolicy.ofDefaults().backoffAfter(1));
    assertThat(relay.runOnce(ACME)).isEqualTo(new RelayResult(1, 0, 0, false));

    Received first = received.poll(5, TimeUnit.SECONDS);
    Received second = received.poll(5, TimeUnit.SECONDS);
    assertThat(List.of(first, second)).allSatisfy(r -> {
      assertThat(r.header("Rapport-Event-Id")).isEqualTo(event.id());
      assertThat(verify(SECRET, r, r.body())).isTrue();
    });
    assertThat(first.header("Rapport-Timestamp")).isNotEqualTo(second.header("Rapport-Timestamp"));
  }

  @Test
  void rejectsShortSecretsAndReservedHeaders() {
    assertThatThrownBy(() -> WebhookNotifier.to(endpoint, Arrays.copyOf(SECRET, 15)))
        .isInstanceOf(ValidationException.class).hasMessageNotContaining("whsec");
    assertThatThrownBy(() -> WebhookNotifier.to(URI.create("ftp://example.com/x"), SECRET))
        .isInstanceOf(ValidationException.class);
    WebhookNotifier.Builder b = WebhookNotifier.builder(endpoint, SECRET);
    assertThatThrownBy(() -> b.header("Rapport-Signature", "v1=forged")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> b.header("X-Ok", "a\r\nInjected: 1")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> b.name("Web Hook")).isInstanceOf(ValidationException.class);
  }

  @Test
  void theSecretIsCopiedAtBuildTime() throws Exception {
    byte[] secret = SECRET.clone();
    WebhookNotifier hook = WebhookNotifier.builder(endpoint, secret).clock(clock).build();
    Arrays.fill(secret, (byte) 0);

    hook.deliver(Events.customerCreated(ACME, clock.instant()));

    Received r = received.poll(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(verify(SECRET, r, r.body())).isTrue();
  }

  private boolean verify(byte[] secret, Received r, byte[] body) {
    return WebhookNotifier.verify(secret, r.header("Rapport-Timestamp"), r.header("Rapport-Signature"), body,
        TOLERANCE, clock);
  }
}
