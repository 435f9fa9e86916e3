package dev.rapport.crm.archfixturecyclea;

/** Fixture: half of a package cycle. */
public class A {
  public dev.rapport.crm.archfixturecycleb.B b() {
    return new dev.rapport.crm.archfixturecycleb.B();
  }
}
