package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.testkit.generate.DataGenerator;
import java.util.List;

/**
 * The input every create-customer benchmark cycles through (1,024 generated customers, the same seed for Rapport and
 * its floor), and the floors' JSON serialisation of it.
 */
final class CreateInputs {
  static final int SIZE = 1024;

  private final List<CustomerData> corpus = DataGenerator.seeded(7).customers(SIZE);
  private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private int next;

  /** The next customer of the corpus, round robin. */
  CustomerData next() {
    CustomerData d = corpus.get(next);
    next = (next + 1) % SIZE;
    return d;
  }

  String json(CustomerData d) throws JsonProcessingException {
    return mapper.writeValueAsString(d);
  }

  byte[] jsonBytes(CustomerData d) throws JsonProcessingException {
    return mapper.writeValueAsBytes(d);
  }
}
