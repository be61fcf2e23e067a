/**
 * The launch dialog of a NEO workshop template: a JupyterLab form (react-jsonschema-form through
 * `FormComponent`) whose schema is `launchSchema` of the template on the catalogue of the chosen data, with the
 * checks of `checkLaunch` shown as the choices change. OK with a problem left shows the dialog again with it.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { nullTranslator, type ITranslator } from '@jupyterlab/translation';
import { FormComponent, ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import type { Catalog } from '@odatis-vre/harmonised';
import type { TemplateSpec, TemplateValues } from '@odatis-vre/workshop/lib/templates';
import validator from '@rjsf/validator-ajv8';
import * as React from 'react';
import {
  checkLaunch,
  fitToCatalog,
  formFromValues,
  LABELLED_CHECKBOXES,
  launchSchema,
  valuesFromForm,
  type LaunchForm,
  type LaunchProblem,
  type Translate
} from './launch';

type FormProps = React.ComponentProps<typeof FormComponent>;
type Widget = NonNullable<FormProps['widgets']>[string];

/** Ticked boxes under their field's title, the group named by it for assistive technology. */
const LabelledCheckboxes: Widget = props => {
  const Checkboxes = props.registry.widgets.CheckboxesWidget;
  const titleId = `${props.id}__title`;
  return (
    <div role="group" aria-labelledby={titleId} className="odatis-TemplateLaunch-group">
      <div id={titleId} className="jp-FormGroup-fieldLabel odatis-TemplateLaunch-groupTitle">
        {props.label}
        {props.required ? '*' : ''}
      </div>
      <Checkboxes {...props} />
    </div>
  );
};
const WIDGETS = { [LABELLED_CHECKBOXES]: LabelledCheckboxes };

export interface LaunchDialogOptions {
  spec: TemplateSpec;
  /** Folders of harmonised data to choose from (the first is chosen unless `values.data` names another). */
  folders: readonly string[];
  /** The catalogue of a folder; rejects with a message that says which file could not be read. */
  loadCatalog(folder: string): Promise<Catalog>;
  /** Initial values (the template's defaults for the others). */
  values?: Partial<TemplateValues>;
  translator?: ITranslator;
}

/** The form in the dialog's body; `getValue()` gives the form's data. */
export class LaunchFormBody extends ReactWidget implements Dialog.IBodyWidget<LaunchForm> {
  constructor(
    private readonly options: LaunchDialogOptions & { trans: Translate },
    private form: LaunchForm,
    private catalog: Catalog,
    private problems: LaunchProblem[] = []
  ) {
    super();
    this.addClass('odatis-TemplateLaunch');
  }

  getValue(): LaunchForm {
    return this.form;
  }

  get currentCatalog(): Catalog {
    return this.catalog;
  }

  private async onChange(next: LaunchForm): Promise<void> {
    const folderChanged = next.data !== undefined && next.data !== this.form.data;
    this.form = next;
    if (folderChanged) {
      this.loadError = '';
      try {
        this.catalog = await this.options.loadCatalog(String(next.data));
        this.form = fitToCatalog(this.options.spec, next, this.catalog);
      } catch (reason) {
        this.loadError = (reason as Error).message ?? String(reason);
      }
    }
    this.problems = checkLaunch(this.options.spec, this.form, this.catalog, this.options.trans);
    this.update();
  }

  /**
   * The dialog enables OK by looking for invalid inputs or a `jp-mod-error` (the problems list) on each input
   * event: once the problems are drawn, it is told to look again.
   */
  protected onUpdateRequest(msg: Message): void {
    super.onUpdateRequest(msg);
    requestAnimationFrame(() => this.node.dispatchEvent(new Event('input', { bubbles: true })));
  }

  render(): JSX.Element {
    const { spec, trans } = this.options;
    const { schema, uiSchema } = launchSchema(
      spec,
      { folders: this.options.folders, catalog: this.catalog },
      this.form,
      trans
    );
    return (
      <>
        <p className="odatis-TemplateLaunch-intro">{trans(spec.description)}</p>
        <FormComponent
          schema={schema}
          uiSchema={uiSchema}
          widgets={WIDGETS}
          formData={this.form as FormProps['formData']}
          validator={validator as FormProps['validator']}
          liveValidate
          showErrorList={false}
          onChange={e => void this.onChange(e.formData as LaunchForm)}
        />
        {this.loadError && (
          <p className="odatis-TemplateLaunch-problem jp-mod-error" role="alert">
            {this.loadError}
          </p>
        )}
        {this.problems.length > 0 && (
          <ul className="odatis-TemplateLaunch-problems jp-mod-error" role="alert">
            {this.problems.map(p => (
              <li key={p.parameter + p.message} data-parameter={p.parameter}>
                {p.message}
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }

  private loadError = '';
}

/**
 * Shows the launch dialog; resolves with the parameters to write, or null when cancelled. OK is accepted only
 * when `checkLaunch` finds nothing: otherwise the dialog comes back with the same choices and the problems.
 */
export async function launchDialog(
  options: LaunchDialogOptions
): Promise<Partial<TemplateValues> | null> {
  const translator = options.translator ?? nullTranslator;
  const t = translator.load('odatis_vre');
  const trans: Translate = (text, ...args) => t.__(text, ...args);
  const { spec } = options;
  const initial = formFromValues(spec, options.values);
  const folder =
    typeof initial.data === 'string' && options.folders.includes(initial.data)
      ? initial.data
      : options.folders[0];
  let catalog = await options.loadCatalog(folder);
  let form = fitToCatalog(spec, { ...initial, data: folder }, catalog);
  let problems: LaunchProblem[] = [];
  for (;;) {
    const body = new LaunchFormBody({ ...options, trans }, form, catalog, problems);
    const result = await showDialog({
      title: trans('%1: parameters', trans(spec.title)),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans('Cancel') }),
        Dialog.okButton({ label: trans('Create and run') })
      ],
      focusNodeSelector: 'select'
    });
    if (!result.button.accept || result.value === null) return null;
    form = result.value;
    catalog = body.currentCatalog;
    problems = checkLaunch(spec, form, catalog, trans);
    if (problems.length === 0) return valuesFromForm(spec, form);
  }
}
