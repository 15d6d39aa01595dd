/*{"PASSES":[{"TARGET":"buf","PERSISTENT":true},{}],"INPUTS":[]}*/
void main(){}
