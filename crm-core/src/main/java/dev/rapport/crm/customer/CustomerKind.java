package dev.rapport.crm.customer;

/** A customer is a person or an organization (which may have contact persons). */
public enum CustomerKind {
  PERSON, ORGANIZATION
}
