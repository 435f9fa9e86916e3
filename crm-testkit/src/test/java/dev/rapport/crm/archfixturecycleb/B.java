package dev.rapport.crm.archfixturecycleb;

/** Fixture: the other half of a package cycle. */
public class B {
  public dev.rapport.crm.archfixturecyclea.A a() {
    return new dev.rapport.crm.archfixturecyclea.A();
  }
}
