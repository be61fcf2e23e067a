import { deploymentOrNone, folderSetting, parseDeployment } from '../src/deployment';

describe('parseDeployment', () => {
  it('reads what the odatis_vre server extension publishes', () => {
    // As the Python side writes it (python/odatis_vre/deployment.py, Deployment.to_json).
    const raw = JSON.stringify({
      version: '0.1.0',
      sharedDataPath: 'data/odatis',
      harmonisedPath: 'data/odatis/harmonised',
      examplesPath: 'lessons',
      readOnlyPaths: ['data/odatis', 'lessons']
    });
    expect(parseDeployment(raw)).toEqual({
      version: '0.1.0',
      sharedDataPath: 'data/odatis',
      harmonisedPath: 'data/odatis/harmonised',
      examplesPath: 'lessons',
      readOnlyPaths: ['data/odatis', 'lessons']
    });
  });

  it('is empty without a server extension (embedded VRE)', () => {
    expect(parseDeployment('')).toEqual({});
    expect(parseDeployment(undefined)).toEqual({});
  });

  it('says what is wrong with a malformed value', () => {
    expect(() => parseDeployment('{"sharedDataPath": ')).toThrow(
      /page config "odatisVre" is not JSON/
    );
    expect(() => parseDeployment('["shared"]')).toThrow(/should be an object, found \["shared"\]/);
    expect(() => parseDeployment('{"sharedDataPath": 3}')).toThrow(
      'The page config "odatisVre.sharedDataPath" should be a string, found 3'
    );
    expect(() => parseDeployment('{"readOnlyPaths": "shared"}')).toThrow(
      /readOnlyPaths" should be a list of paths, found "shared"/
    );
  });
});

describe('deploymentOrNone', () => {
  it('is the deployment, or none when the value is malformed', () => {
    expect(deploymentOrNone('{"harmonisedPath": "h"}')).toEqual({ harmonisedPath: 'h' });
    expect(deploymentOrNone('{"harmonisedPath": ')).toEqual({});
  });
});

describe('folderSetting', () => {
  it('takes the user setting, else the deployment, else the default', () => {
    expect(folderSetting('mine/data', 'data/odatis', 'shared')).toBe('mine/data');
    expect(folderSetting(undefined, 'data/odatis', 'shared')).toBe('data/odatis');
    expect(folderSetting(undefined, undefined, 'shared')).toBe('shared');
  });
});
