package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Where a collection lives: table and column names, and the idempotent DDL that creates or extends them.
 *
 * <p>Names are derived only from the validated {@link CollectionSpec} ({@code [a-z][a-z0-9_]*} collection names,
 * lower-camel index names), never from other input, so they can be spliced into SQL. An index {@code creditLimit}
 * becomes column {@code f_credit_limit}; the {@code f_} keeps index names from clashing with the fixed columns.
 */
public final class Layout {
  public static final int MAX_IDENTIFIER = 60;

  private final CollectionSpec spec;
  private final String prefix;
  private final String qualifier;
  private final Dialect dialect;
  // computed once: every write asks for them
  private final List<IndexSpec> singleIndexes;
  private final List<IndexSpec> multiIndexes;

  public Layout(CollectionSpec spec, String schemaQualifier, String prefix, Dialect dialect) {
    this.spec = spec;
    this.qualifier = schemaQualifier;
    this.prefix = prefix;
    this.dialect = dialect;
    this.singleIndexes = spec.indexes().stream().filter(i -> !i.multiValued()).toList();
    this.multiIndexes = spec.indexes().stream().filter(IndexSpec::multiValued).toList();
  }

  public CollectionSpec spec() {
    return spec;
  }

  /** The document table: tenant, id, version, body, index values as JSON, timestamps, one column per single index. */
  public String table() {
    return qualifier + tableName();
  }

  private String tableName() {
    return prefix + "doc_" + spec.name();
  }

  /** The side table: one row per value of a multi-valued index. */
  public String sideTable() {
    return qualifier + sideTableName();
  }

  private String sideTableName() {
    return prefix + "mv_" + spec.name();
  }

  public static String column(String field) {
    if (field.equals("id")) {
      return "id";
    }
    StringBuilder b = new StringBuilder("f_");
    for (char c : field.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The side-table column holding values of {@code type}. */
  public static String valueColumn(IndexType type) {
    return switch (type) {
      case STRING -> "v_string";
      case LONG -> "v_long";
      case DECIMAL -> "v_decimal";
      case INSTANT -> "v_instant";
      case BOOLEAN -> "v_boolean";
    };
  }

  public List<IndexSpec> singleIndexes() {
    return singleIndexes;
  }

  public List<IndexSpec> multiIndexes() {
    return multiIndexes;
  }

  public String sqlType(IndexType type) {
    return switch (type) {
      case STRING -> dialect.stringType(IndexSpec.MAX_STRING_LENGTH);
      case LONG -> dialect.longType();
      case DECIMAL -> dialect.decimalType();
      case INSTANT -> dialect.instantType();
      case BOOLEAN -> dialect.booleanType();
    };
  }

  /** Idempotent DDL for this spec: tables, one column per single-valued index, indexes. Safe to run again. */
  public List<Ddl> ddl() {
    List<Ddl> out = new ArrayList<>();
    String key = dialect.stringType(Document.MAX_ID_LENGTH);
    out.add(new Ddl(dialect.createTable(table(), "tenant " + dialect.stringType(64) + " NOT NULL, id " + key
        + " NOT NULL, version BIGINT NOT NULL, body " + dialect.jsonType() + " NOT NULL, idx " + dialect.jsonType()
        + " NOT NULL, created_at " + dialect.instantType() + " NOT NULL, updated_at " + dialect.instantType()
        + " NOT NULL, PRIMARY KEY (tenant, id)"), tableName(), null));
    Set<IndexType> multiTypes = EnumSet.noneOf(IndexType.class);
    multiIndexes().forEach(i -> multiTypes.add(i.type()));
    out.add(new Ddl(dialect.createTable(sideTable(), "tenant " + dialect.stringType(64) + " NOT NULL, id " + key
        + " NOT NULL, field VARCHAR(30) NOT NULL, v_string " + sqlType(IndexType.STRING) + ", v_long "
        + sqlType(IndexType.LONG) + ", v_decimal " + sqlType(IndexType.DECIMAL) + ", v_instant "
        + sqlType(IndexType.INSTANT) + ", v_boolean " + sqlType(IndexType.BOOLEAN)
        // the canonical text of a unique field's value; NULL (never conflicting) for non-unique fields
        + ", u_value " + dialect.stringType(300)), sideTableName(), null));
    String mvId = indexName("mv", "id");
    out.add(new Ddl(dialect.createIndex(mvId, sideTable(), List.of("tenant", "id", "field"), false),
        sideTableName(), mvId));
    String mvUnique = indexName("mv", "unique");
    out.add(new Ddl(dialect.createUniqueIndexWhereNotNull(mvUnique, sideTable(),
        List.of("tenant", "field", "u_value"), "u_value"), sideTableName(), mvUnique));
    for (IndexType t : multiTypes) {
      String name = indexName("mv", valueColumn(t));
      out.add(new Ddl(dialect.createIndex(name, sideTable(), List.of("tenant", "field", valueColumn(t), "id"),
          false), sideTableName(), name));
    }
    for (IndexSpec i : singleIndexes()) {
      String col = column(i.name());
      out.add(new Ddl(dialect.addColumn(table(), col, sqlType(i.type())), tableName(), col));
      String name = indexName(i.unique() ? "ux" : "ix", col);
      out.add(new Ddl(dialect.createIndex(name, table(), List.of("tenant", col), i.unique()), tableName(), name));
    }
    return out;
  }

  /** Readable when it fits in every database's identifier limit; otherwise a stable hash. */
  private String indexName(String kind, String what) {
    String readable = prefix + kind + "_" + spec.name() + "_" + what;
    if (readable.length() <= MAX_IDENTIFIER) {
      return readable;
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(readable.getBytes(StandardCharsets.UTF_8));
      return prefix + kind + "_" + HexFormat.of().formatHex(h, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
