/** Evidence shapes that more than one rule reads. */

export type { AuthenticationMode } from '../facts/eks-cluster.js';
import type { AuthenticationMode } from '../facts/eks-cluster.js';

/** Why the principal is not mapped: which sources said so, and who could fix it. */
export interface NotMappedEvidence {
  principalArn: string;
  /** The ARN STS reports (a session ARN for roles). */
  callerArn: string;
  authenticationMode: AuthenticationMode;
  cluster: string;
  /** Principals shown to have admin rights, other than the caller. */
  admins: string[];
  /** The cluster creator, an admin that appears in no mapping in CONFIG_MAP mode. */
  creatorArn?: string;
  /** The authenticator's own "not mapped" line, when the logs had it. */
  logLine?: string;
  loggedAt?: string;
  /** The sources that show the principal is absent: `access entries`, `aws-auth`, `authenticator logs`. */
  sources: string[];
}
