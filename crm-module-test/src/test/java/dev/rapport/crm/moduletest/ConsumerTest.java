package dev.rapport.crm.moduletest;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.rapport.crm.Crm;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.tag.TagPath;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The consumer's calls, in this JVM: Surefire runs these tests on the module path, patched into
 * {@code dev.rapport.crm.moduletest}, with Rapport's modules and their dependencies on the module path.
 */
class ConsumerTest {

  @Test
  void rapportIsLoadedAsNamedModulesNotFromTheClassPath() {
    // without this, every other test here could pass on the class path and prove nothing
    assertThat(ConsumerTest.class.getModule().getName()).isEqualTo("dev.rapport.crm.moduletest");
    assertThat(Crm.class.getModule().getName()).isEqualTo("dev.rapport.crm.core");
    assertThat(JdbcStore.class.getModule().getName()).isEqualTo("dev.rapport.crm.jdbc");
    assertThat(MongoStore.class.getModule().getName()).isEqualTo("dev.rapport.crm.mongo");
    for (Module m : new Module[] {Crm.class.getModule(), JdbcStore.class.getModule(), MongoStore.class.getModule()}) {
      assertThat(m.getDescriptor().isAutomatic()).as(m.getName() + " has a module-info").isFalse();
      assertThat(m.getDescriptor().isOpen()).as(m.getName() + " is not an open module").isFalse();
    }
  }

  @Test
  void onH2TheJdbcAdapterMigratesCreatesAndReadsACustomer() {
    try (Crm crm = Consumer.crm(Consumer.h2())) {
      assertStoredAndReadBack(Consumer.createAndRead(crm));
      assertInvalidInputIsReported(Consumer.rejectInvalid(crm));
    }
  }

  @Test
  void onMongoJavaServerTheMongoAdapterCreatesAndReadsACustomer() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    InetSocketAddress address = server.getLocalAddress();
    try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
         Crm crm = Consumer.crm(MongoStore.create(client, "rapport_moduletest"))) {
      assertStoredAndReadBack(Consumer.createAndRead(crm));
      assertInvalidInputIsReported(Consumer.rejectInvalid(crm));
    } finally {
      server.shutdownNow();
    }
  }

  private static void assertStoredAndReadBack(Customer read) {
    assertThat(read.name().defaultValue()).isEqualTo("Huaxin Trading");
    assertThat(read.emails()).extracting(EmailAddress::value).containsExactly("purchasing@huaxin.example.cn");
    assertThat(read.phones().get(0).e164()).isEqualTo("+862161234567");
    assertThat(read.creditLimit()).hasToString("250000.00 CNY");
    assertThat(read.tags()).extracting(TagPath::value).containsExactly("segment/enterprise");
    assertThat(read.tenant().value()).isEqualTo("acme");
  }

  private static void assertInvalidInputIsReported(ValidationException e) {
    assertThat(e.violations()).extracting(ValidationException.Violation::path).contains("name", "emails[0]");
  }
}
