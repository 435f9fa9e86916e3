/**
 * Validated contact values: {@link dev.rapport.crm.contact.EmailAddress} (RFC 5322 addr-spec),
 * {@link dev.rapport.crm.contact.PhoneNumber} (E.164 via libphonenumber), {@link dev.rapport.crm.contact.PostalAddress}
 * (per-country required levels and postal-code formats) and {@link dev.rapport.crm.contact.LocalizedText}
 * (multi-language names). Each is a record that validates in its constructor, so an invalid one cannot exist; all
 * throw {@link dev.rapport.crm.error.ValidationException} with paths relative to the value.
 */
@NullMarked
package dev.rapport.crm.contact;

import org.jspecify.annotations.NullMarked;
