package dev.rapport.crm.access;

/** What an actor wants to do with a resource. */
public enum Action {
  VIEW, CREATE, EDIT, DELETE, EXPORT, ASSIGN, APPROVE, MERGE, ERASE, ADMINISTER
}
