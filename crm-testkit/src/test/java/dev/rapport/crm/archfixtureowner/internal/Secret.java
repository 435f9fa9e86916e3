package dev.rapport.crm.archfixtureowner.internal;

/** Fixture: an implementation detail of archfixtureowner. */
public class Secret {
  public static int value() {
    return 42;
  }
}
