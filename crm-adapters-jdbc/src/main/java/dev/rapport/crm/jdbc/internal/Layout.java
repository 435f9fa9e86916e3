package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.CompositeIndex;
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
  private final List<IndexSpec> uniqueSingleIndexes;
  private final List<IndexSpec> arrayIndexes;
  private final String selectColumns;

  public Layout(CollectionSpec spec, String schemaQualifier, String prefix, Dialect dialect) {
    this.spec = spec;
    this.qualifier = schemaQualifier;
    this.prefix = prefix;
    this.dialect = dialect;
    this.singleIndexes = spec.indexes().stream().filter(i -> !i.multiValued()).toList();
    this.multiIndexes = spec.indexes().stream().filter(IndexSpec::multiValued).toList();
    this.uniqueSingleIndexes = singleIndexes.stream().filter(IndexSpec::unique).toList();
    this.arrayIndexes = dialect.arrayColumns()
        ? multiIndexes.stream().filter(i -> i.type() == IndexType.STRING).toList() : List.of();
    StringBuilder select = new StringBuilder("d.id, d.version, d.body");
    singleIndexes.forEach(i -> select.append(", d.").append(column(i.name())));
    this.selectColumns = select.toString();
  }

  public CollectionSpec spec() {
    return spec;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The document table: tenant, id, version, body, timestamps, one column per single-valued field. */
  public String table() {
    return qualifier + tableName();
  }

  /** The document table's name without its schema. */
  public String tableName() {
    return prefix + "doc_" + spec.name();
  }

  /** The side table: one row per value of a multi-valued index. */
  public String sideTable() {
    return qualifier + sideTableName();
  }

  /** The side table's name without its schema. */
  public String sideTableName() {
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

  /** The single-valued unique fields, which a write of several documents sets in a second pass. */
  public List<IndexSpec> uniqueSingleIndexes() {
    return uniqueSingleIndexes;
  }

  public List<IndexSpec> multiIndexes() {
    return multiIndexes;
  }

  /**
   * The multi-valued fields the document table also holds as an array column ({@link #arrayColumn}), where the
   * dialect has {@linkplain Dialect#arrayColumns array columns}: the string ones. Filters on them read the array;
   * the side table still holds every value (unique values, the lookup by a value).
   */
  public List<IndexSpec> arrayIndexes() {
    return arrayIndexes;
  }

  /** Whether {@code index} has an {@linkplain #arrayIndexes array column}. */
  public boolean hasArray(IndexSpec index) {
    return index.multiValued() && index.type() == IndexType.STRING && dialect.arrayColumns();
  }

  /** The array column of a multi-valued field: {@code tags} becomes {@code a_tags}. */
  public static String arrayColumn(String field) {
    return "a_" + column(field).substring(2);
  }

  /**
   * The columns a read selects from the document table {@code d}: id, version, body, then the column of each
   * {@linkplain #singleIndexes single-valued field} in that order (a read returns their values, nothing else of the
   * index: {@link Document#asRead}).
   */
  public String selectColumns() {
    return selectColumns;
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
        + " NOT NULL, version BIGINT NOT NULL, body " + dialect.jsonType() + " NOT NULL, created_at " + dialect.instantType() + " NOT NULL, updated_at " + dialect.instantType()
        + " NOT NULL, PRIMARY KEY (tenant, id)"), tableName(), null));
    // tables made by earlier snapshots keep every index value a second time, as JSON, in a column idx
    out.add(Ddl.dropColumn(dialect.dropColumn(table(), "idx"), tableName(), "idx"));
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
    for (IndexSpec i : arrayIndexes) {
      String col = arrayColumn(i.name());
      out.add(new Ddl(dialect.addArrayColumn(table(), col, IndexSpec.MAX_STRING_LENGTH, sideTable(), i.name()), tableName(), col));
    }
    for (IndexSpec i : singleIndexes()) {
      String col = column(i.name());
      out.add(new Ddl(dialect.addColumn(table(), col, i.type() == IndexType.STRING
          ? dialect.stringType(i.maxLength()) : sqlType(i.type())), tableName(), col));
      if (i.unique()) {
        String name = indexName("ux", col);
        out.add(new Ddl(dialect.createIndex(name, table(), List.of("tenant", col), true), tableName(), name));
      }
    }
    return out;
  }

  /** A declared, non-unique index of the document table: its name and its rendered keys. */
  public record QueryIndex(String name, List<String> keys) {}

  /**
   * The non-unique indexes the spec's {@link dev.rapport.crm.store.IndexSet} declares on the document table: {@code (tenant, f_x)} for a
   * single-valued field indexed alone ({@code ix_}), and {@code (tenant, keys..., id)} for each composite index
   * ({@code cx_}), its keys in the order and null placement of the page query's {@code ORDER BY}. A composite index's
   * name carries a hash of its keys, so redeclaring it with other keys builds a new index (and drops the old one)
   * instead of keeping a stale one under the same name. Multi-valued fields are served by the side table's indexes.
   */
  public List<QueryIndex> queryIndexes() {
    List<QueryIndex> out = new ArrayList<>();
    for (IndexSpec i : spec.indexedAlone()) {
      if (!i.multiValued() && !i.unique()) {
        String col = column(i.name());
        out.add(new QueryIndex(indexName("ix", col), List.of("tenant", dialect.indexKey(col, true))));
      }
    }
    for (CompositeIndex c : spec.indexSet().composites()) {
      List<String> keys = new ArrayList<>();
      keys.add("tenant");
      for (Sort.Key k : c.keys()) {
        keys.add(dialect.indexKey(column(k.field()), k.direction() == Sort.Direction.ASC));
      }
      keys.add("id");
      out.add(new QueryIndex(indexName("cx", c.name().toLowerCase(java.util.Locale.ROOT) + "_" + c.keysHash()), keys));
    }
    return out;
  }

  /**
   * Refuses a composite index wider than the database's index entries may be ({@link Dialect#maxIndexKeyBytes}),
   * naming the index and what each key takes: on MariaDB/MySQL a string key takes 4 bytes per character of its
   * field's {@link IndexSpec#maxLength()}, the tenant and the id 256 each.
   */
  public void checkIndexWidths() {
    List<ValidationException.Violation> out = new ArrayList<>();
    for (CompositeIndex c : spec.indexSet().composites()) {
      int id = 4 * Document.MAX_ID_LENGTH;
      int total = 2 * id;
      StringBuilder parts = new StringBuilder("tenant " + id);
      for (String f : c.fields()) {
        IndexSpec field = spec.index(f).orElseThrow();
        int bytes = switch (field.type()) {
          case STRING -> 4 * field.maxLength();
          case LONG, INSTANT -> 8;
          case DECIMAL -> 20;
          case BOOLEAN -> 1;
        };
        total += bytes;
        parts.append(", ").append(f).append(' ').append(bytes);
      }
      parts.append(", id ").append(id);
      if (total > dialect.maxIndexKeyBytes()) {
        out.add(new ValidationException.Violation("indexes." + spec.name() + "." + c.name(), "index.width",
            "composite index '" + c.name() + "' takes " + total + " bytes per entry (" + parts + ") and this"
                + " database allows " + dialect.maxIndexKeyBytes() + ": drop a string key or index it alone"));
      }
    }
    if (!out.isEmpty()) {
      throw new ValidationException(out);
    }
  }

  /** Whether {@code index} (lower case) is one of the declared non-unique indexes this layout manages. */
  public boolean managed(String index) {
    return index.startsWith((prefix + "ix_").toLowerCase(java.util.Locale.ROOT))
        || index.startsWith((prefix + "cx_").toLowerCase(java.util.Locale.ROOT));
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
