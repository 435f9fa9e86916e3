/** A consumer module of Rapport, used to test the shipped modules on the module path. */
@NullMarked
package dev.rapport.crm.moduletest;

import org.jspecify.annotations.NullMarked;
