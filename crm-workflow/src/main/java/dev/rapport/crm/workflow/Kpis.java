package dev.rapport.crm.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Figures on a tenant's approvals: how many requests stand in each state (all of them), and, over the requests made
 * since {@code since}: cycle times per definition and per step, and each approver's throughput.
 */
public record Kpis(Instant since, Map<RequestState, Long> countsByState, List<CycleTime> cycleTimes,
                   List<ApproverThroughput> approvers) {
  public Kpis {
    countsByState = Map.copyOf(countsByState);
    cycleTimes = List.copyOf(cycleTimes);
    approvers = List.copyOf(approvers);
  }

  /**
   * Time from start to decision, for a whole definition ({@code step} null: request created to closed) or one of
   * its steps (step entered to decided; skipped steps not counted).
   */
  public record CycleTime(String definition, @Nullable String step, int count, Duration p50, Duration p95) {}

  /**
   * What one approver decided: votes cast (as themselves or as a delegate), how many approved, and the median time
   * from the step starting to their vote.
   */
  public record ApproverThroughput(String user, int decisions, int approvals, int rejections,
                                   Duration medianResponse) {}

  /** A plain-text table of the figures, for logs and the samples. */
  public String describe() {
    StringBuilder b = new StringBuilder("requests by state: ").append(new java.util.TreeMap<>(countsByState))
        .append('\n');
    for (CycleTime c : cycleTimes) {
      b.append(String.format("  cycle time %-14s %-10s n=%-4d p50 %-10s p95 %s%n", c.definition(),
          c.step() == null ? "(request)" : c.step(), c.count(), human(c.p50()), human(c.p95())));
    }
    for (ApproverThroughput a : approvers) {
      b.append(String.format("  approver %-10s decisions %-3d approved %-3d rejected %-3d median response %s%n",
          a.user(), a.decisions(), a.approvals(), a.rejections(), human(a.medianResponse())));
    }
    return b.toString();
  }

  private static String human(Duration d) {
    return d.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString().substring(2)
        .toLowerCase(java.util.Locale.ROOT);
  }
}
