/** The architecture conventions every Rapport module checks with ArchUnit. */
@NullMarked
package dev.rapport.crm.testkit.arch;

import org.jspecify.annotations.NullMarked;
