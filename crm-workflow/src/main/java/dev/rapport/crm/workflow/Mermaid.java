package dev.rapport.crm.workflow;

import java.util.stream.Collectors;

/** Renders a definition as a Mermaid flowchart: trigger, steps with approvers and mode, skips, timers and outcomes. */
final class Mermaid {
  private Mermaid() {}

  static String render(ApprovalDefinition d) {
    StringBuilder m = new StringBuilder("flowchart TD\n");
    // the line break is markup: only the texts around it are escaped
    String trigger = escape(String.join(", ", d.trigger().commands().stream().sorted().toList()))
        + (d.trigger().condition() == null ? "" : "<br/>when " + escape(d.trigger().condition()));
    m.append("  start([\"").append(escape(d.name() + " v" + d.version())).append("<br/>").append(trigger)
        .append("\"])\n");
    String previous = "start";
    for (int i = 0; i < d.steps().size(); i++) {
      ApprovalStep s = d.steps().get(i);
      String id = "s" + i;
      String who = s.approvers().stream().map(Approvers::describe).collect(Collectors.joining(" + "));
      m.append("  ").append(id).append("[\"").append(escape(s.name())).append("<br/>").append(escape(who))
          .append("<br/>decides: ").append(escape(s.mode().toString())).append("\"]\n");
      m.append("  ").append(previous).append(" --> ").append(id).append('\n');
      if (s.skipIf() != null) {
        String next = i + 1 < d.steps().size() ? "s" + (i + 1) : "approved";
        m.append("  ").append(id).append(" -. \"skip if ").append(escape(s.skipIf())).append("\" .-> ").append(next)
            .append('\n');
      }
      m.append("  ").append(id).append(" -- rejected --> rejected\n");
      if (s.timeLimit() != null && s.onExpiry() != null) {
        String t = "after " + s.timeLimit().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        switch (s.onExpiry().action()) {
          case REMIND -> m.append("  ").append(id).append(" -- \"").append(t).append(": remind\" --> ").append(id)
              .append('\n');
          case ESCALATE -> {
            String esc = s.onExpiry().escalateTo().stream().map(Approvers::describe)
                .collect(Collectors.joining(" + "));
            m.append("  ").append(id).append(" -- \"").append(t).append(": escalate to ").append(escape(esc))
                .append("\" --> ").append(id).append('\n');
          }
          case APPROVE -> m.append("  ").append(id).append(" -- \"").append(t).append(": approve\" --> ")
              .append(i + 1 < d.steps().size() ? "s" + (i + 1) : "approved").append('\n');
          case REJECT -> m.append("  ").append(id).append(" -- \"").append(t).append("\" --> expired\n");
        }
      }
      previous = id;
    }
    m.append("  ").append(previous).append(" -- approved --> approved([\"approved: the command runs\"])\n");
    m.append("  rejected([\"rejected\"])\n");
    if (d.steps().stream().anyMatch(s -> s.onExpiry() != null && s.onExpiry().action() == OnExpiry.Action.REJECT)) {
      m.append("  expired([\"expired\"])\n");
    }
    return m.toString();
  }

  private static String escape(String s) {
    return s.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("\n", " ");
  }
}
