package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.store.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request document's body, read and changed in place: the parked command's summary and context, the definition
 * copy, the steps reached with their votes, and the execution. {@link #document} computes its index values.
 */
final class Req {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  final String id;
  final long version;
  final ObjectNode body;

  Req(String id, long version, ObjectNode body) {
    this.id = id;
    this.version = version;
    this.body = body;
  }

  static Req of(Document d) {
    return new Req(d.id(), d.version(), d.body());
  }

  RequestState state() {
    return RequestState.valueOf(body.path("state").asText());
  }

  Req state(RequestState s) {
    body.put("state", s.name());
    return this;
  }

  String requester() {
    return body.path("requester").asText();
  }

  /** The requester and whoever they acted for: nobody of these ever decides the request. */
  Set<String> requesters() {
    Set<String> r = new LinkedHashSet<>();
    r.add(requester());
    if (body.hasNonNull("requesterOnBehalfOf")) {
      r.add(body.get("requesterOnBehalfOf").asText());
    }
    return r;
  }

  String resourceKey() {
    return body.path("resourceType").asText() + "/" + body.path("resourceId").asText();
  }

  int current() {
    return body.path("step").asInt();
  }

  ArrayNode steps() {
    return (ArrayNode) body.get("steps");
  }

  @Nullable ObjectNode currentStep() {
    ArrayNode s = steps();
    int i = current();
    return i < s.size() ? (ObjectNode) s.get(i) : null;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  static ArrayNode array(Iterable<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /** Who decided the steps before the current one (see {@link #involved}; not the timer). */
  Set<String> earlierDeciders() {
    Set<String> out = new LinkedHashSet<>();
    ArrayNode s = steps();
    for (int i = 0; i < Math.min(current(), s.size()); i++) {
      out.addAll(involved(s.get(i)));
    }
    out.remove(Workflow.TIMER);
    return out;
  }

  /** Everyone the votes of a step involved: who cast each, whom it counted for, and whom its caster acted for. */
  static Set<String> involved(JsonNode step) {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode v : step.path("votes")) {
      out.add(v.path("by").asText());
      out.add(v.path("for").asText());
      if (v.hasNonNull("actingFor")) {
        out.add(v.get("actingFor").asText());
      }
    }
    return out;
  }

  /** Everyone whose vote approved the request, in order (for the command's audit record). */
  List<String> approvers() {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode s : steps()) {
      for (JsonNode v : s.path("votes")) {
        if (v.path("approve").asBoolean()) {
          out.add(v.path("by").asText());
        }
      }
    }
    return List.copyOf(out);
  }

  @Nullable String executionStatus() {
    JsonNode e = body.get("execution");
    return e == null || e.isNull() ? null : e.path("status").asText();
  }

  /** The document to store, with its index values: lock, candidates and timers only while they apply. */
  Document document(long newVersion) {
    RequestState state = state();
    Document.IndexValues ix = Document.indexValues()
        .put("state", state.name())
        .put("definition", body.path("definition").path("key").asText())
        .put("requester", requester())
        .put("resource", resourceKey())
        .put("createdAt", Instant.parse(body.path("createdAt").asText()));
    String exec = executionStatus();
    if (state == RequestState.PENDING || "PENDING".equals(exec)) {
      ix.put("lock", resourceKey());
    }
    if ("PENDING".equals(exec)) {
      ix.put("execution", "PENDING");
    }
    if (body.hasNonNull("closedAt")) {
      ix.put("closedAt", Instant.parse(body.get("closedAt").asText()));
    }
    ObjectNode step = currentStep();
    if (state == RequestState.PENDING && step != null) {
      Set<String> open = new LinkedHashSet<>(texts(step.path("candidates")));
      for (JsonNode v : step.path("votes")) {
        open.remove(v.path("for").asText());
      }
      ix.putAll("candidates", open);
      if (step.hasNonNull("dueAt")) {
        ix.put("dueAt", Instant.parse(step.get("dueAt").asText()));
      }
      if (step.hasNonNull("deadline")) {
        ix.put("deadline", Instant.parse(step.get("deadline").asText()));
      }
    }
    return new Document(id, newVersion, body, ix.build());
  }

  /** The body without the bulky parts (definition copy, record states), for audit records and events. */
  ObjectNode summary() {
    ObjectNode s = body.deepCopy();
    s.remove(List.of("definitionCopy", "before", "after"));
    return s;
  }

  ApprovalRequest view() {
    List<ApprovalRequest.StepState> steps = new ArrayList<>();
    for (JsonNode s : steps()) {
      List<ApprovalRequest.Vote> votes = new ArrayList<>();
      for (JsonNode v : s.path("votes")) {
        votes.add(new ApprovalRequest.Vote(v.path("by").asText(), v.path("for").asText(),
            v.path("approve").asBoolean(), text(v, "comment"), Instant.parse(v.path("at").asText())));
      }
      steps.add(new ApprovalRequest.StepState(s.path("name").asText(), Instant.parse(s.path("enteredAt").asText()),
          texts(s.path("candidates")), instant(s, "deadline"), s.path("reminders").asInt(),
          s.path("escalated").asBoolean(), votes, text(s, "outcome"), instant(s, "closedAt")));
    }
    ApprovalRequest.Execution exec = null;
    JsonNode e = body.get("execution");
    if (e != null && !e.isNull()) {
      exec = new ApprovalRequest.Execution(e.path("status").asText(), e.path("resourceVersion").asLong(),
          text(e, "error"), instant(e, "at"));
    }
    JsonNode def = body.path("definition");
    return new ApprovalRequest(id, version, def.path("key").asText(), def.path("version").asInt(), state(),
        body.path("command").asText(), body.path("resourceType").asText(), body.path("resourceId").asText(),
        requester(), text(body, "reason"), Instant.parse(body.path("createdAt").asText()), instant(body, "closedAt"),
        current(), steps, exec, text(body, "resubmittedFrom"));
  }

  static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static @Nullable Instant instant(JsonNode n, String field) {
    String t = text(n, field);
    return t == null ? null : Instant.parse(t);
  }

  static void closeStep(ObjectNode step, String outcome, Instant now) {
    step.put("outcome", outcome).put("closedAt", now.toString());
    step.remove("dueAt");
  }

  static void close(Req r, RequestState state, Instant now) {
    r.state(state);
    r.body.put("closedAt", now.toString());
  }
}
