/** {@link dev.rapport.crm.tag.TagPath}: hierarchical tags such as {@code segment/vip/gold}. */
@NullMarked
package dev.rapport.crm.tag;

import org.jspecify.annotations.NullMarked;
