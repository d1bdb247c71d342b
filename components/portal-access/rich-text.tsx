import { Fragment } from 'react';
import { interpolateParts } from '@/lib/i18n/core';

/**
 * A translated sentence whose placeholders are elements, such as the email in bold in
 * "Choose a password for {email}." The value is placed as a node, never parsed as a template;
 * each part gets a key so React can render the list.
 */
export function withNodes(template: string, nodes: Record<string, React.ReactNode>): React.ReactNode[] {
  return interpolateParts(template, nodes).map((part, index) => <Fragment key={index}>{part}</Fragment>);
}
