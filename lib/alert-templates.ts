/**
 * The shape of a hazard template of the emergency plan (GET /api/alerts/templates): the data is
 * in api/src/modules/alerts/alerts.templates.ts, the alert editor reads it. Types only.
 */
export interface TemplateText {
  event: string;
  headline: string;
  description: string;
  instruction: string;
}

export interface HazardTemplate {
  id: string;
  /** The risk zones it usually applies to (risk_hazards id), if any. */
  hazard: string | null;
  category: string[];
  responseType: string[];
  urgency: string;
  severity: string;
  certainty: string;
  /** Default validity in hours from onset. */
  hours: number;
  el: TemplateText;
  en: TemplateText;
}
