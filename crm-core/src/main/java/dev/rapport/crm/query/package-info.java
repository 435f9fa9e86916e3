/** The criteria model shared by queries, access filters and guards; sort, keyset pages and cursors. */
@NullMarked
package dev.rapport.crm.query;

import org.jspecify.annotations.NullMarked;
