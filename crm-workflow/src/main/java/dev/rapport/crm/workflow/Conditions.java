package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.rapport.crm.actor.Actor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Trigger and skip conditions in CEL, over {@code command} (the command's name), {@code resource} (the state the
 * command would write), {@code before} (the stored state; empty for a creation), {@code payload} (the command's
 * input), {@code subject} (the requester: {@code id}, {@code roles}, {@code attributes}) and {@code now}. Records
 * are maps of their JSON form, except that a money value ({@code {amount, currency}}) has a number as its amount,
 * so {@code resource.creditLimit.amount > 100000} reads as it should.
 *
 * <p>A condition is evaluated on CEL's interpreter (a few microseconds, once per gated command or started step).
 * One that fails to evaluate (a field the record lacks, say) counts as <em>met</em> for a trigger, so the command
 * needs approval, and as <em>not met</em> for a skip condition, so the step is not skipped: errors never let a
 * change through unapproved. Guard optional fields with {@code has(resource.owner)}.
 */
final class Conditions {
  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
  private static final MapType RECORD = MapType.create(SimpleType.STRING, SimpleType.DYN);
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("command", SimpleType.STRING)
      .addVar("resource", RECORD)
      .addVar("before", RECORD)
      .addVar("payload", RECORD)
      .addVar("subject", RECORD)
      .addVar("now", SimpleType.TIMESTAMP)
      .setResultType(SimpleType.BOOL)
      .build();
  private static final Map<String, Condition> COMPILED = new ConcurrentHashMap<>();

  private Conditions() {}

  /** A problem in a condition, at a line and column of its text (1-based). */
  record Issue(int line, int column, String message) {
    @Override
    public String toString() {
      return "in the condition at line " + line + ", column " + column + ": " + message;
    }
  }

  /** A compiled condition. */
  static final class Condition {
    final String text;
    final CelRuntime.Program program;

    Condition(String text, CelRuntime.Program program) {
      this.text = text;
      this.program = program;
    }

    /** True, false, or null when it failed to evaluate. */
    @Nullable Boolean test(Map<String, Object> vars) {
      try {
        Object r = program.eval(vars);
        return r instanceof Boolean b ? b : null;
      } catch (CelEvaluationException | RuntimeException e) {
        return null;
      }
    }
  }

  /** The issues that keep {@code text} from compiling; none when it compiles. */
  static List<Issue> check(String text) {
    List<Issue> issues = new ArrayList<>();
    compile(text, issues);
    return issues;
  }

  /** The compiled condition; throws IllegalArgumentException when it does not compile (check it first). */
  static Condition compiled(String text) {
    Condition c = COMPILED.get(text);
    if (c != null) {
      return c;
    }
    List<Issue> issues = new ArrayList<>();
    c = compile(text, issues);
    if (c == null) {
      throw new IllegalArgumentException("condition does not compile: " + issues);
    }
    if (COMPILED.size() < 10_000) {
      COMPILED.put(text, c);
    }
    return c;
  }

  private static @Nullable Condition compile(String text, List<Issue> issues) {
    CelValidationResult result = COMPILER.compile(text);
    if (result.hasError()) {
      for (CelIssue i : result.getAllIssues()) {
        if (i.getSeverity() == CelIssue.Severity.ERROR) {
          issues.add(new Issue(i.getSourceLocation().getLine(), i.getSourceLocation().getColumn() + 1,
              i.getMessage()));
        }
      }
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      return new Condition(text, RUNTIME.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      issues.add(new Issue(1, 1, e.getMessage()));
      return null;
    }
  }

  /** The variables a condition sees. */
  static Map<String, Object> variables(String command, @Nullable ObjectNode before, ObjectNode after,
                                       @Nullable JsonNode payload, Actor requester, Instant now) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("command", command);
    vars.put("resource", value(after));
    vars.put("before", before == null ? Map.of() : value(before));
    vars.put("payload", payload == null || !payload.isObject() ? Map.of() : value(payload));
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("id", requester.userId());
    subject.put("tenant", requester.tenant().value());
    subject.put("roles", List.copyOf(requester.roles()));
    subject.put("attributes", Map.copyOf(requester.attributes()));
    vars.put("subject", subject);
    vars.put("now", com.google.protobuf.Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())
        .build());
    return vars;
  }

  /** A JSON value as CEL sees it. */
  static Object value(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      boolean money = n.size() == 2 && n.path("amount").isTextual() && n.path("currency").isTextual();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
      if (money) {
        try {
          m.put("amount", new BigDecimal(n.get("amount").asText()).doubleValue());
        } catch (NumberFormatException e) {
          // not a money value after all: keep the text
        }
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      n.forEach(x -> l.add(value(x)));
      return l;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    return NullValue.NULL_VALUE;
  }

}
