/** Service cases (requests, complaints) with their status lifecycle, SLA and satisfaction score. */
@NullMarked
package dev.rapport.crm.servicecase;

import org.jspecify.annotations.NullMarked;
