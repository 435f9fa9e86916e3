package dev.rapport.crm.testkit.generate;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.ContactPersonInput;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Deterministic, realistic customer data for tests, samples and benchmarks: the same seed gives the same customers.
 * Names in several locales (Chinese, Japanese, German, French, English, Spanish, Arabic), valid phone numbers of
 * those countries (libphonenumber-checked, E.164-normalisable), addresses that satisfy each country's rules, tags,
 * grades, regions and credit limits.
 *
 * <pre>{@code
 * DataGenerator gen = DataGenerator.seeded(42);
 * CustomerData data = gen.customer();
 * }</pre>
 */
public final class DataGenerator {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private record Country(String code, String currency, String[] given, String[] family, boolean familyFirst,
                         String[][] places, String[] streets, String postalPattern, String[] companies) {}

  private static final List<Country> COUNTRIES = List.of(
      new Country("CN", "CNY",
          new String[] {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"},
          new String[] {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"}, true,
          new String[][] {{"上海市", "上海市", "浦东新区"}, {"北京市", "北京市", "朝阳区"}, {"广东省", "深圳市", "南山区"},
              {"浙江省", "杭州市", "西湖区"}, {"四川省", "成都市", "武侯区"}},
          new String[] {"世纪大道", "建国路", "深南大道", "文三路", "人民南路"}, "######",
          new String[] {"华信贸易有限公司", "东方电子科技有限公司", "长江物流集团", "金桥制造股份有限公司", "新锐软件有限公司"}),
      new Country("JP", "JPY",
          new String[] {"翔太", "陽菜", "蓮", "結衣", "大翔", "美咲"},
          new String[] {"佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"}, true,
          new String[][] {{"東京都", "千代田区", null}, {"大阪府", "大阪市", "北区"}, {"愛知県", "名古屋市", "中区"}},
          new String[] {"丸の内1-1-1", "梅田2-4-9", "栄3-5-1"}, "###-####",
          new String[] {"山田商事株式会社", "東洋精機株式会社", "さくら物産株式会社"}),
      new Country("DE", "EUR",
          new String[] {"Jürgen", "Anna", "Lukas", "Marie", "Jonas", "Sophie", "Björn"},
          new String[] {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Groß"}, false,
          new String[][] {{null, "Berlin", null}, {null, "München", null}, {null, "Köln", null}},
          new String[] {"Hauptstraße 5", "Bahnhofstraße 12", "Schillerstraße 3a"}, "#####",
          new String[] {"Nordwind Logistik GmbH", "Rheinmetall Handel AG", "Alpen Software GmbH"}),
      new Country("FR", "EUR",
          new String[] {"Amélie", "Louis", "Chloé", "Hugo", "Léa", "Théo"},
          new String[] {"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard"}, false,
          new String[][] {{null, "Paris", null}, {null, "Lyon", null}, {null, "Marseille", null}},
          new String[] {"12 rue de Rivoli", "8 avenue Jean Jaurès", "3 place Bellecour"}, "#####",
          new String[] {"Société Générale de Négoce", "Atelier Lumière SARL", "Vins du Rhône SA"}),
      new Country("US", "USD",
          new String[] {"James", "Mary", "Robert", "Patricia", "Michael", "Linda", "Chloe"},
          new String[] {"Smith", "Johnson", "Williams", "Brown", "Jones", "O'Neil"}, false,
          new String[][] {{"NY", "New York", null}, {"CA", "San Francisco", null}, {"TX", "Austin", null}},
          new String[] {"350 Fifth Avenue", "1 Market Street", "600 Congress Avenue"}, "#####",
          new String[] {"Acme Corporation", "Blue Ridge Supply Inc.", "Pioneer Analytics LLC"}),
      new Country("ES", "EUR",
          new String[] {"José", "María", "Javier", "Lucía", "Álvaro", "Sofía"},
          new String[] {"García", "Fernández", "González", "Rodríguez", "López", "Martínez"}, false,
          new String[][] {{null, "Madrid", null}, {null, "Barcelona", null}, {null, "Sevilla", null}},
          new String[] {"Calle Mayor 10", "Avenida Diagonal 640", "Calle Sierpes 4"}, "#####",
          new String[] {"Comercial Ibérica S.L.", "Transportes del Sur S.A.", "Cerámica Levante S.L."}),
      new Country("AE", "AED",
          new String[] {"محمد", "فاطمة", "أحمد", "مريم", "علي", "نورة"},
          new String[] {"الهاشمي", "المنصوري", "الشامسي", "الكعبي"}, false,
          new String[][] {{null, "Dubai", null}, {null, "Abu Dhabi", null}},
          new String[] {"Sheikh Zayed Road 1", "Corniche Road 22"}, "",
          new String[] {"شركة الخليج للتجارة", "Emirates Trading LLC"}));

  private static final String[] TAGS = {"segment/vip/gold", "segment/vip/silver", "segment/smb", "segment/enterprise",
      "source/web", "source/referral", "source/trade-show", "interest/logistics", "interest/software", "客户/重要"};
  private static final String[] REGIONS = {"APAC", "EMEA", "AMER"};
  private static final String[] GRADES = {"A", "B", "C"};
  private static final String[] TEAMS = {"north", "south", "key-accounts", "inside-sales"};

  private final Random random;
  private int counter;

  private DataGenerator(long seed) {
    this.random = new Random(seed);
  }

  public static DataGenerator seeded(long seed) {
    return new DataGenerator(seed);
  }

  /** A person or (one time in three) an organization with contact persons. */
  public CustomerData customer() {
    return random.nextInt(3) == 0 ? organization() : person();
  }

  public CustomerData person() {
    Country c = pick(COUNTRIES);
    String given = pick(c.given);
    String family = pick(c.family);
    String name = c.familyFirst ? family + given : given + " " + family;
    CustomerData.Builder b = CustomerData.builder(CustomerKind.PERSON, name);
    if (c.familyFirst) {
      b.localizedName("en", latin(given) + " " + latin(family));
    }
    fill(b, c, "person");
    return b.build();
  }

  public CustomerData organization() {
    Country c = pick(COUNTRIES);
    String name = pick(c.companies);
    CustomerData.Builder b = CustomerData.builder(CustomerKind.ORGANIZATION, name);
    fill(b, c, "org");
    int persons = 1 + random.nextInt(2);
    for (int i = 0; i < persons; i++) {
      String given = pick(c.given);
      String family = pick(c.family);
      b.contactPerson(ContactPersonInput.of(c.familyFirst ? family + given : given + " " + family,
          pick(new String[] {"Purchasing", "Finance", "CEO", "Operations"}),
          List.of("contact" + counter + "." + i + "@example.com"), List.of(phone(c.code))));
    }
    return b.build();
  }

  private void fill(CustomerData.Builder b, Country c, String kind) {
    int n = ++counter;
    b.email(kind + n + "@" + c.code.toLowerCase(Locale.ROOT) + ".example.com");
    b.phone(phone(c.code));
    String[] place = pick(c.places);
    b.address(new AddressInput(c.code, place[0], place[1], place[2], List.of(pick(c.streets)), postal(c)));
    int tags = random.nextInt(3);
    for (int i = 0; i < tags; i++) {
      String t = pick(TAGS);
      b.tag(t);
    }
    b.grade(pick(GRADES)).region(c.code.equals("CN") || c.code.equals("JP") ? "APAC"
        : c.code.equals("US") ? "AMER" : "EMEA").team(pick(TEAMS));
    if (random.nextBoolean()) {
      b.owner("user" + random.nextInt(10));
    }
    long limit = (1 + random.nextInt(50)) * 10_000L;
    b.creditLimit(Long.toString(limit), c.currency);
    b.consent("marketing-email", random.nextBoolean());
  }

  /** A valid number of the region: libphonenumber's example mobile number with its last digits varied. */
  public String phone(String region) {
    Phonenumber.PhoneNumber example = PHONES.getExampleNumberForType(region, PhoneNumberUtil.PhoneNumberType.MOBILE);
    for (int attempt = 0; attempt < 50; attempt++) {
      long national = example.getNationalNumber();
      long varied = national - national % 1000 + random.nextInt(1000);
      Phonenumber.PhoneNumber candidate = new Phonenumber.PhoneNumber()
          .setCountryCode(example.getCountryCode()).setNationalNumber(varied);
      if (PHONES.isValidNumber(candidate)) {
        return PHONES.format(candidate, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
      }
    }
    return PHONES.format(example, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
  }

  private String postal(Country c) {
    if (c.postalPattern.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (char ch : c.postalPattern.toCharArray()) {
      sb.append(ch == '#' ? (char) ('0' + random.nextInt(10)) : ch);
    }
    if (c.code.equals("CN") || c.code.equals("DE") || c.code.equals("FR") || c.code.equals("ES") || c.code.equals("US")) {
      sb.setCharAt(0, (char) ('1' + random.nextInt(9)));
    }
    return sb.toString();
  }

  private static String latin(String s) {
    return "Name" + Math.abs(s.hashCode() % 1000);
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** {@code count} customers. */
  public List<CustomerData> customers(int count) {
    List<CustomerData> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(customer());
    }
    return out;
  }
}
