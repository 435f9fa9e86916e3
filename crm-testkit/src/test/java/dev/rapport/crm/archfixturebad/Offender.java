package dev.rapport.crm.archfixturebad;

import dev.rapport.crm.archfixtureowner.internal.Secret;

/** Fixture: breaks every convention except cycles (and its package has no package-info). */
public class Offender {
  public java.sql.Connection connection() {
    throw new UnsupportedOperationException();
  }

  public int peek() {
    System.out.println("peeking");
    return Secret.value();
  }
}
