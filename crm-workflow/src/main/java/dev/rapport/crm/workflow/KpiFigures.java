package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The figures of {@link Kpis}: counts by state, cycle times, approver throughput. */
final class KpiFigures {
  private KpiFigures() {}

  /** See {@link Workflow#kpis}. */
  static Kpis kpis(Store store, TenantId tenant, Instant since, List<ApprovalDefinition> definitions) {
    Map<RequestState, Long> counts = new EnumMap<>(RequestState.class);
    for (RequestState s : RequestState.values()) {
      counts.put(s, store.count(tenant, Workflow.REQUESTS, Criteria.eq("state", s.name())));
    }
    Map<String, List<Duration>> cycles = new TreeMap<>();
    Map<String, Map<String, List<Duration>>> stepCycles = new TreeMap<>();
    Map<String, int[]> decisions = new TreeMap<>();
    Map<String, List<Duration>> responses = new HashMap<>();
    Query q = Query.of(Criteria.gte("createdAt", since), Sort.byId(), Query.MAX_LIMIT);
    Page.streamAll(q, x -> store.query(tenant, Workflow.REQUESTS, x)).forEach(d -> {
      Req r = Req.of(d);
      String def = r.body.path("definition").path("key").asText();
      Instant created = Instant.parse(r.body.path("createdAt").asText());
      Instant closed = Req.instant(r.body, "closedAt");
      if (closed != null) {
        cycles.computeIfAbsent(def, k -> new ArrayList<>()).add(Duration.between(created, closed));
      }
      for (JsonNode s : r.steps()) {
        Instant entered = Instant.parse(s.path("enteredAt").asText());
        Instant stepClosed = Req.instant(s, "closedAt");
        String outcome = Req.text(s, "outcome");
        if (stepClosed != null && !"SKIPPED".equals(outcome)) {
          stepCycles.computeIfAbsent(def, k -> new TreeMap<>()).computeIfAbsent(s.path("name").asText(),
              k -> new ArrayList<>()).add(Duration.between(entered, stepClosed));
        }
        for (JsonNode v : s.path("votes")) {
          String by = v.path("by").asText();
          int[] n = decisions.computeIfAbsent(by, k -> new int[2]);
          n[v.path("approve").asBoolean() ? 0 : 1]++;
          responses.computeIfAbsent(by, k -> new ArrayList<>())
              .add(Duration.between(entered, Instant.parse(v.path("at").asText())));
        }
      }
    });
    List<Kpis.CycleTime> times = new ArrayList<>();
    for (ApprovalDefinition known : definitions) {
      cycles.putIfAbsent(known.key(), new ArrayList<>());
    }
    cycles.forEach((def, list) -> {
      times.add(cycleTime(def, null, list));
      stepCycles.getOrDefault(def, Map.of()).forEach((step, l) -> times.add(cycleTime(def, step, l)));
    });
    List<Kpis.ApproverThroughput> approvers = new ArrayList<>();
    decisions.forEach((user, n) -> approvers.add(new Kpis.ApproverThroughput(user, n[0] + n[1], n[0], n[1],
        percentile(responses.get(user), 50))));
    return new Kpis(since, counts, times, approvers);
  }
  static Kpis.CycleTime cycleTime(String def, @Nullable String step, List<Duration> list) {
    return new Kpis.CycleTime(def, step, list.size(), percentile(list, 50), percentile(list, 95));
  }

  /** The nearest-rank percentile; zero for no values. */
  static Duration percentile(@Nullable List<Duration> values, int p) {
    if (values == null || values.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
