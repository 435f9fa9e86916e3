package dev.rapport.crm.samples;

import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sample customers in several languages and countries, as a host would load them from its own systems: names,
 * e-mail, phones written the way people write them, addresses that satisfy each country's rules, tags, grades,
 * regions and credit limits. The same seed gives the same customers.
 */
final class SampleData {
  private record Place(String country, String currency, String phoneRegion, String region, String[] names,
                       String[] phones, AddressInput address) {}

  private static final List<Place> PLACES = List.of(
      new Place("CN", "CNY", "CN", "APAC", new String[] {"王伟", "李娜", "张敏", "东方电子科技有限公司", "长江物流集团"},
          new String[] {"139 1234 5678", "021 6123 4567", "138 0013 8000"},
          new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120")),
      new Place("JP", "JPY", "JP", "APAC", new String[] {"佐藤 翔太", "鈴木 陽菜", "山田商事株式会社"},
          new String[] {"090-1234-5678", "03-1234-5678"},
          new AddressInput("JP", "東京都", "千代田区", null, List.of("丸の内1-1-1"), "100-0005")),
      new Place("DE", "EUR", "DE", "EMEA", new String[] {"Jürgen Müller", "Anna Schmidt", "Nordwind Logistik GmbH"},
          new String[] {"030 123456", "0151 23456789"},
          new AddressInput("DE", null, "Berlin", null, List.of("Hauptstraße 5"), "10115")),
      new Place("FR", "EUR", "FR", "EMEA", new String[] {"Amélie Dubois", "Louis Martin", "Atelier Lumière SARL"},
          new String[] {"01 23 45 67 89", "06 12 34 56 78"},
          new AddressInput("FR", null, "Paris", null, List.of("12 rue de Rivoli"), "75001")),
      new Place("US", "USD", "US", "AMER", new String[] {"Mary Johnson", "Robert O'Neil", "Blue Ridge Supply Inc."},
          new String[] {"(212) 555-0123", "+1 415 555 0134"},
          new AddressInput("US", "NY", "New York", null, List.of("350 Fifth Avenue"), "10118")));

  private static final String[] TAGS = {"segment/vip/gold", "segment/vip/silver", "segment/smb", "source/web",
      "source/referral", "客户/重要"};
  private static final String[] GRADES = {"A", "B", "C"};

  private SampleData() {}

  /** {@code count} customers, the same ones for the same seed. */
  static List<CustomerData> customers(int count, long seed) {
    Random random = new Random(seed);
    List<CustomerData> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Place p = PLACES.get(random.nextInt(PLACES.size()));
      String name = p.names()[random.nextInt(p.names().length)];
      boolean company = name.length() > 12 || name.endsWith("公司") || name.endsWith("集团");
      CustomerData.Builder b = CustomerData.builder(company ? CustomerKind.ORGANIZATION : CustomerKind.PERSON, name)
          .email("contact" + (seed * 1000 + i) + "@example." + p.country().toLowerCase(java.util.Locale.ROOT))
          .phone(p.phones()[random.nextInt(p.phones().length)]).phoneRegion(p.phoneRegion())
          .address(p.address())
          .tag(TAGS[random.nextInt(TAGS.length)])
          .grade(GRADES[random.nextInt(GRADES.length)])
          .region(p.region())
          .creditLimit(String.valueOf(1_000 * (1 + random.nextInt(200))), p.currency());
      out.add(b.build());
    }
    return out;
  }
}
