package dev.rapport.crm.archfixtureowner;

import dev.rapport.crm.archfixtureowner.internal.Secret;

/** Fixture: the owner may use its own internals. */
public class Owner {
  public int value() {
    return Secret.value();
  }
}
