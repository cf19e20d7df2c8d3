package io.hearth.runtime.admin;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the admin resources. web.xml's constraint on {@code /admin/*} asks for the login; {@link AdminRoleFilter},
 * bound to the resources themselves, refuses any caller without the admin role whatever URL spelling reached them,
 * so the rule does not depend on the container matching every spelling of the path.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AdminOnly {
}
