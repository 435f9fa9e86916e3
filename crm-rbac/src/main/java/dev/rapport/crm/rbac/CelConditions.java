package dev.rapport.crm.rbac;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.protobuf.Timestamp;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.parser.CelUnparserFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.rbac.Cond.Known;
import dev.rapport.crm.rbac.Cond.Op;
import dev.rapport.crm.rbac.Cond.State;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The CEL environment of one resource type: {@code subject} (id, tenant, roles and the declared attributes, all
 * text), {@code resource} and {@code before} (the type's queryable fields, with their kernel types) and {@code env}
 * ({@code now}). Compiles a condition with CEL's parser and type checker, then translates the checked AST into a
 * {@link Cond}; what it does not translate runs on CEL's interpreter.
 */
final class CelConditions {
  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .populateMacroCalls(true)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final ResourceType type;
  private final Map<String, IndexSpec> fields = new LinkedHashMap<>();
  private final Set<String> attributes;
  private final CelCompiler compiler;
  /** Per condition text, what {@link #compile} made of it (one loader thread uses an environment). */
  private final Map<String, Compiled> compiled = new HashMap<>();

  public CelConditions(ResourceType type, Set<String> attributes) {
    this.type = type;
    this.attributes = attributes;
    for (IndexSpec f : type.collection().indexes()) {
      fields.put(f.name(), f);
    }
    Map<String, CelType> resourceFields = new LinkedHashMap<>();
    resourceFields.put("id", SimpleType.STRING);
    fields.forEach((name, f) -> resourceFields.put(name, celType(f)));
    StructType resource = StructType.create("rapport." + type.name().replace('-', '_').replace('.', '_'),
        ImmutableSet.copyOf(resourceFields.keySet()), n -> Optional.ofNullable(resourceFields.get(n)));
    Map<String, CelType> subjectFields = new LinkedHashMap<>();
    subjectFields.put("id", SimpleType.STRING);
    subjectFields.put("tenant", SimpleType.STRING);
    subjectFields.put("roles", ListType.create(SimpleType.STRING));
    for (String a : attributes) {
      subjectFields.putIfAbsent(a, SimpleType.STRING);
    }
    StructType subject = StructType.create("rapport.Subject", ImmutableSet.copyOf(subjectFields.keySet()),
        n -> Optional.ofNullable(subjectFields.get(n)));
    StructType env = StructType.create("rapport.Env", ImmutableSet.of("now"),
        n -> n.equals("now") ? Optional.of(SimpleType.TIMESTAMP) : Optional.empty());
    List<CelType> types = List.of(resource, subject, env);
    CelTypeProvider provider = new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(types);
      }

      @Override
      public Optional<CelType> findType(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
      }
    };
    this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(provider)
        .addVar("resource", resource)
        .addVar("before", resource)
        .addVar("subject", subject)
        .addVar("env", env)
        .setResultType(SimpleType.BOOL)
        .build();
  }

  private static CelType celType(IndexSpec f) {
    CelType t = switch (f.type()) {
      case STRING -> SimpleType.STRING;
      case LONG -> SimpleType.INT;
      case DECIMAL -> SimpleType.DOUBLE;
      case BOOLEAN -> SimpleType.BOOL;
      case INSTANT -> SimpleType.TIMESTAMP;
    };
    return f.multiValued() ? ListType.create(t) : t;
  }

  /** A problem in a condition, at a line and column of its text (1-based). */
  public record Issue(int line, int column, String message) {}

  /** A compiled condition, or the issues that stopped it. */
  public record Compiled(@Nullable Cond cond, List<Issue> issues) {}

  /**
   * The condition compiled, once per text: a policy repeating a condition in many rules (the same rule per tenant,
   * say) shares one immutable {@link Cond}, so decisions keep touching the same objects and loading is faster.
   */
  public Compiled compile(String text) {
    return compiled.computeIfAbsent(text, this::compileOnce);
  }

  private Compiled compileOnce(String text) {
    CelValidationResult result = compiler.compile(text);
    if (result.hasError()) {
      List<Issue> issues = new ArrayList<>();
      for (CelIssue i : result.getAllIssues()) {
        if (i.getSeverity() == CelIssue.Severity.ERROR) {
          issues.add(new Issue(i.getSourceLocation().getLine(), i.getSourceLocation().getColumn() + 1,
              explain(text, i)));
        }
      }
      return new Compiled(null, issues);
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = result.getAst();
    } catch (dev.cel.common.CelValidationException e) {
      return new Compiled(null, List.of(new Issue(1, 1, e.getMessage())));
    }
    try {
      return new Compiled(new Translator(ast).cond(ast.getExpr()), List.of());
    } catch (NotTranslated e) {
      try {
        return new Compiled(new Cond.Interpreted(new Program(RUNTIME.createProgram(ast), text, fields)), List.of());
      } catch (CelEvaluationException e2) {
        return new Compiled(null, List.of(new Issue(1, 1, e2.getMessage())));
      }
    }
  }

  /** CEL's message, with what a policy author needs instead of CEL's type names for our three structures. */
  private String explain(String text, CelIssue issue) {
    String m = issue.getMessage();
    java.util.regex.Matcher undefined = java.util.regex.Pattern.compile("undefined field '([^']*)'").matcher(m);
    if (undefined.find()) {
      String name = undefined.group(1);
      String before = prefixAt(text, issue.getSourceLocation().getLine(), issue.getSourceLocation().getColumn());
      if (before.endsWith("subject.")) {
        return "unknown subject attribute '" + name + "': declare it under attributes (declared: "
            + String.join(", ", attributes) + ")";
      }
      if (before.endsWith("resource.") || before.endsWith("before.")) {
        return "unknown attribute '" + name + "': " + type.name() + " has no queryable field " + name
            + " (its fields: id, " + String.join(", ", fields.keySet()) + ")";
      }
      if (before.endsWith("env.")) {
        return "unknown attribute '" + name + "': env has only now";
      }
    }
    return m.replace("rapport.Subject", "subject").replace("rapport.Env", "env");
  }

  private static String prefixAt(String text, int line, int column) {
    String[] lines = text.split("\n", -1);
    if (line < 1 || line > lines.length) {
      return "";
    }
    String l = lines[line - 1];
    int end = Math.min(l.length(), Math.max(0, column));
    // CEL points at the dot of a selection or at the field: take the text up to and including the dot
    int dot = l.lastIndexOf('.', Math.min(l.length() - 1, end));
    return dot < 0 ? "" : l.substring(0, dot + 1).replaceAll("\\s+", "");
  }

  /** The CEL text of a sub-expression (for explanations). */
  static String unparse(CelAbstractSyntaxTree ast, CelExpr e) {
    try {
      return CelUnparserFactory.newUnparser().unparse(CelAbstractSyntaxTree.newParsedAst(e, ast.getSource()));
    } catch (RuntimeException ex) {
      return e.toString();
    }
  }

  // ---- translation -------------------------------------------------------------------------------------------------

  private static final class NotTranslated extends Exception {
    NotTranslated() {
      super(null, null, false, false);
    }
  }

  /** An operand: a field of the record, a known value, the subject's roles, or a list of known values. */
  private sealed interface Operand {}

  /** A field of the record: one of its type's queryable fields, or its id (which no {@link IndexSpec} may name). */
  private record FieldRef(String name, IndexType type, boolean multiValued, State state) implements Operand {
    FieldRef(IndexSpec spec, State state) {
      this(spec.name(), spec.type(), spec.multiValued(), state);
    }
  }

  private record KnownRef(Known known) implements Operand {}

  private record Roles() implements Operand {}

  private record ListRef(Known[] items) implements Operand {}

  private final class Translator {
    private final CelAbstractSyntaxTree ast;

    Translator(CelAbstractSyntaxTree ast) {
      this.ast = ast;
    }

    Cond cond(CelExpr e) throws NotTranslated {
      switch (e.exprKind().getKind()) {
        case CONSTANT:
          if (e.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE) {
            return e.constant().booleanValue() ? Cond.Lit.TRUE : Cond.Lit.FALSE;
          }
          throw new NotTranslated();
        case SELECT:
          if (e.select().testOnly()) {
            return has(e.select().operand(), e.select().field());
          }
          Operand o = operand(e);
          if (o instanceof FieldRef f && !f.multiValued() && f.type() == IndexType.BOOLEAN) {
            return new Cond.FieldCmp(f.name(), f.type(), f.state(), Op.EQ, new Cond.Const(true));
          }
          if (o instanceof KnownRef k) {
            return new Cond.KnownCmp(k.known(), Op.EQ, new Cond.Const(true));
          }
          throw new NotTranslated();
        case CALL:
          return call(e);
        case COMPREHENSION:
          return comprehension(e);
        default:
          throw new NotTranslated();
      }
    }

    private Cond has(CelExpr operand, String field) throws NotTranslated {
      if (operand.exprKind().getKind() != CelExpr.ExprKind.Kind.IDENT) {
        throw new NotTranslated();
      }
      String root = operand.ident().name();
      if (root.equals("subject")) {
        return switch (field) {
          case "id", "tenant", "roles" -> Cond.Lit.TRUE;
          default -> new Cond.HasAttribute(field);
        };
      }
      if (root.equals("resource") || root.equals("before")) {
        if (field.equals("id")) {
          throw new NotTranslated();
        }
        IndexSpec spec = fields.get(field);
        return new Cond.FieldExists(field, spec.type(), root.equals("resource") ? State.RESOURCE : State.BEFORE);
      }
      throw new NotTranslated();
    }

    private Cond call(CelExpr e) throws NotTranslated {
      CelExpr.CelCall c = e.call();
      List<CelExpr> args = c.args();
      switch (c.function()) {
        case "_&&_":
          return new Cond.And(cond(args.get(0)), cond(args.get(1)));
        case "_||_":
          return new Cond.Or(cond(args.get(0)), cond(args.get(1)));
        case "!_":
          return new Cond.Not(cond(args.get(0)));
        case "_==_":
          return compare(args.get(0), Op.EQ, args.get(1));
        case "_!=_":
          return new Cond.Not(compare(args.get(0), Op.EQ, args.get(1)));
        case "_<_":
          return compare(args.get(0), Op.LT, args.get(1));
        case "_<=_":
          return compare(args.get(0), Op.LE, args.get(1));
        case "_>_":
          return compare(args.get(0), Op.GT, args.get(1));
        case "_>=_":
          return compare(args.get(0), Op.GE, args.get(1));
        case "@in":
          return in(operand(args.get(0)), operand(args.get(1)));
        case "startsWith":
          if (c.target().isPresent() && operand(c.target().get()) instanceof FieldRef f
              && operand(args.get(0)) instanceof KnownRef k) {
            return new Cond.FieldPrefix(f.name(), f.type(), f.state(), k.known());
          }
          throw new NotTranslated();
        default:
          throw new NotTranslated();
      }
    }

    private Cond compare(CelExpr left, Op op, CelExpr right) throws NotTranslated {
      Operand l = operand(left);
      Operand r = operand(right);
      if (l instanceof FieldRef f && !f.multiValued() && r instanceof KnownRef k) {
        return new Cond.FieldCmp(f.name(), f.type(), f.state(), op, k.known());
      }
      if (r instanceof FieldRef f && !f.multiValued() && l instanceof KnownRef k) {
        return new Cond.FieldCmp(f.name(), f.type(), f.state(), op.flipped(), k.known());
      }
      if (l instanceof KnownRef a && r instanceof KnownRef b) {
        return new Cond.KnownCmp(a.known(), op, b.known());
      }
      throw new NotTranslated();
    }

    private Cond in(Operand element, Operand container) throws NotTranslated {
      if (element instanceof KnownRef k && container instanceof FieldRef f && f.multiValued()) {
        return new Cond.FieldIn(f.name(), f.type(), f.state(), new Known[] {k.known()});
      }
      if (element instanceof FieldRef f && !f.multiValued() && container instanceof ListRef list) {
        return new Cond.FieldIn(f.name(), f.type(), f.state(), list.items());
      }
      if (element instanceof KnownRef k && container instanceof ListRef list) {
        return new Cond.KnownIn(k.known(), list.items());
      }
      if (element instanceof KnownRef k && container instanceof Roles) {
        return new Cond.HasRole(k.known());
      }
      throw new NotTranslated();
    }

    /** {@code resource.tags.exists(t, t.startsWith(p) | t == v | t in [..])}. */
    private Cond comprehension(CelExpr e) throws NotTranslated {
      CelExpr macro = ast.getSource().getMacroCalls().get(e.id());
      if (macro == null || macro.exprKind().getKind() != CelExpr.ExprKind.Kind.CALL
          || !macro.call().function().equals("exists") || macro.call().target().isEmpty()
          || macro.call().args().size() != 2) {
        throw new NotTranslated();
      }
      if (!(operand(e.comprehension().iterRange()) instanceof FieldRef f) || !f.multiValued()) {
        throw new NotTranslated();
      }
      String var = e.comprehension().iterVar();
      CelExpr pred = macro.call().args().get(1);
      if (pred.exprKind().getKind() != CelExpr.ExprKind.Kind.CALL) {
        throw new NotTranslated();
      }
      CelExpr.CelCall p = pred.call();
      String name = f.name();
      if (p.function().equals("startsWith") && p.target().isPresent() && isVar(p.target().get(), var)
          && operand(p.args().get(0)) instanceof KnownRef k) {
        return new Cond.FieldPrefix(name, f.type(), f.state(), k.known());
      }
      if (p.function().equals("_==_")) {
        CelExpr a = p.args().get(0);
        CelExpr b = p.args().get(1);
        if (isVar(a, var) && operand(b) instanceof KnownRef k) {
          return new Cond.FieldIn(name, f.type(), f.state(), new Known[] {k.known()});
        }
        if (isVar(b, var) && operand(a) instanceof KnownRef k) {
          return new Cond.FieldIn(name, f.type(), f.state(), new Known[] {k.known()});
        }
      }
      if (p.function().equals("@in") && isVar(p.args().get(0), var)
          && operand(p.args().get(1)) instanceof ListRef list) {
        return new Cond.FieldIn(name, f.type(), f.state(), list.items());
      }
      throw new NotTranslated();
    }

    private boolean isVar(CelExpr e, String var) {
      return e.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals(var);
    }

    private Operand operand(CelExpr e) throws NotTranslated {
      switch (e.exprKind().getKind()) {
        case CONSTANT:
          return new KnownRef(new Cond.Const(constant(e.constant())));
        case SELECT: {
          CelExpr.CelSelect s = e.select();
          if (s.testOnly() || s.operand().exprKind().getKind() != CelExpr.ExprKind.Kind.IDENT) {
            throw new NotTranslated();
          }
          String root = s.operand().ident().name();
          String field = s.field();
          switch (root) {
            case "resource":
            case "before":
              if (field.equals("id")) {
                return new FieldRef("id", IndexType.STRING, false,
                    root.equals("resource") ? State.RESOURCE : State.BEFORE);
              }
              return new FieldRef(fields.get(field), root.equals("resource") ? State.RESOURCE : State.BEFORE);
            case "subject":
              return switch (field) {
                case "id" -> new KnownRef(new Cond.SubjectId());
                case "tenant" -> new KnownRef(new Cond.SubjectTenant());
                case "roles" -> new Roles();
                default -> new KnownRef(new Cond.SubjectAttr(field));
              };
            case "env":
              return new KnownRef(new Cond.EnvNow());
            default:
              throw new NotTranslated();
          }
        }
        case LIST: {
          List<CelExpr> items = e.list().elements();
          Known[] knowns = new Known[items.size()];
          for (int i = 0; i < knowns.length; i++) {
            if (!(operand(items.get(i)) instanceof KnownRef k)) {
              throw new NotTranslated();
            }
            knowns[i] = k.known();
          }
          return new ListRef(knowns);
        }
        case CALL: {
          CelExpr.CelCall c = e.call();
          if (c.function().equals("timestamp") && c.args().size() == 1 && c.target().isEmpty()
              && c.args().get(0).exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT
              && c.args().get(0).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
            try {
              return new KnownRef(new Cond.Const(Instant.parse(c.args().get(0).constant().stringValue())));
            } catch (RuntimeException notAnInstant) {
              throw new NotTranslated();
            }
          }
          throw new NotTranslated();
        }
        default:
          throw new NotTranslated();
      }
    }

    private Object constant(CelConstant c) throws NotTranslated {
      return switch (c.getKind()) {
        case STRING_VALUE -> c.stringValue();
        case INT64_VALUE -> c.int64Value();
        case UINT64_VALUE -> c.uint64Value().longValue();
        case DOUBLE_VALUE -> c.doubleValue();
        case BOOLEAN_VALUE -> c.booleanValue();
        default -> throw new NotTranslated();
      };
    }
  }

  // ---- the interpreter, for what is not translated -----------------------------------------------------------------

  /** A condition run by CEL's interpreter: any evaluation error (a missing attribute or field) fails closed. */
  static final class Program {
    private final CelRuntime.Program program;
    final String text;
    private final Map<String, IndexSpec> fields;

    Program(CelRuntime.Program program, String text, Map<String, IndexSpec> fields) {
      this.program = program;
      this.text = text;
      this.fields = fields;
    }

    boolean eval(Req r) {
      Map<String, Object> vars = new HashMap<>();
      Map<String, Object> subject = new HashMap<>(r.actor.attributes());
      subject.put("id", r.actor.userId());
      subject.put("tenant", r.actor.tenant().value());
      subject.put("roles", List.copyOf(r.actor.roles()));
      vars.put("subject", subject);
      Map<String, Object> resource = celValues(r.resource);
      Map<String, Object> before = celValues(r.before);
      // the record's id, which values derived from a JSON state do not carry
      if (r.id != null) {
        if (r.resource != null) {
          resource.putIfAbsent("id", r.id);
        }
        if (r.before != null) {
          before.putIfAbsent("id", r.id);
        }
      }
      vars.put("resource", resource);
      vars.put("before", before);
      vars.put("env", Map.of("now", timestamp(r.now())));
      try {
        return Boolean.TRUE.equals(program.eval(vars));
      } catch (CelEvaluationException | RuntimeException e) {
        throw Cond.Undecidable.INSTANCE;
      }
    }

    private Map<String, Object> celValues(@Nullable Map<String, List<Object>> values) {
      Map<String, Object> out = new HashMap<>();
      if (values != null) {
        values.forEach((k, vs) -> {
          IndexSpec spec = fields.get(k);
          if (spec == null || vs.isEmpty()) {
            return;
          }
          if (spec.multiValued()) {
            List<Object> all = new ArrayList<>(vs.size());
            vs.forEach(v -> all.add(cel(v)));
            out.put(k, all);
          } else {
            out.put(k, cel(vs.get(0)));
          }
        });
      }
      // a multi-valued field without values is an empty list (a single-valued one is absent: reading it fails)
      fields.forEach((k, spec) -> {
        if (spec.multiValued()) {
          out.putIfAbsent(k, List.of());
        }
      });
      return out;
    }

    private static Object cel(Object v) {
      if (v instanceof BigDecimal d) {
        return d.doubleValue();
      }
      if (v instanceof Instant i) {
        return timestamp(i);
      }
      return v;
    }

    private static Timestamp timestamp(Instant i) {
      return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }
  }
}
